// Package oidctest starts a real OpenID provider for tests: zitadel/oidc's
// certified op package with its example storage and sign-in page, serving
// the people a test gives it.
package oidctest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
)

// Person is someone the provider knows. They sign in with Username and
// the password "password".
type Person struct {
	Username      string
	Email         string
	EmailVerified bool
}

// Password is every person's password.
const Password = "password"

// Client is a relying party registered with the provider.
type Client struct {
	ID, Secret, RedirectURI string
}

// Provider is a running provider.
type Provider struct {
	Issuer string
}

// Start runs a provider knowing people and clients until the test ends.
func Start(t testing.TB, people []Person, clients ...Client) *Provider {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	issuer := "http://" + ts.Listener.Addr().String()
	users := userStore{}
	for i, p := range people {
		id := "user" + string(rune('a'+i))
		users[id] = &storage.User{ID: id, Username: p.Username, Password: Password, FirstName: p.Username,
			LastName: "Test", Email: p.Email, EmailVerified: p.EmailVerified}
	}
	cs := map[string]*storage.Client{}
	for _, c := range clients {
		cs[c.ID] = storage.WebClient(c.ID, c.Secret, c.RedirectURI)
	}
	ts.Config.Handler = exampleop.SetupServer(issuer, storage.NewStorageWithClients(users, cs), nil, false)
	ts.Start()
	t.Cleanup(ts.Close)
	return &Provider{Issuer: issuer}
}

type userStore map[string]*storage.User

func (u userStore) GetUserByID(id string) *storage.User { return u[id] }
func (u userStore) GetUserByUsername(name string) *storage.User {
	for _, p := range u {
		if p.Username == name {
			return p
		}
	}
	return nil
}
func (userStore) ExampleClientID() string { return "service" }

var authRequestID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// SignIn follows authURL as a browser would, signs in at the provider's
// page as username, and answers the URL the provider sends the browser
// back to (the relying party's callback, not followed).
func SignIn(t testing.TB, c *http.Client, authURL, username string) *url.URL {
	t.Helper()
	if c == nil {
		c = &http.Client{}
	}
	var back *url.URL
	c2 := *c
	c2.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !strings.HasPrefix(req.URL.String(), authURL[:strings.Index(authURL, "/auth")]) {
			back = req.URL
			return http.ErrUseLastResponse
		}
		return nil
	}
	res, err := c2.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := authRequestID.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no sign-in form at the provider (%d): %s", res.StatusCode, body)
	}
	form := url.Values{"id": {string(m[1])}, "username": {username}, "password": {Password}}
	res, err = c2.PostForm(res.Request.URL.Scheme+"://"+res.Request.URL.Host+"/login/username", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if back == nil {
		t.Fatalf("the provider did not send the browser back (%d): %s", res.StatusCode, body)
	}
	return back
}
