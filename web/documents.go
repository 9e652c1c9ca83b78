package web

import (
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/httpx"
)

// documentList is what the documents table shows.
type documentList struct {
	PupilID   string
	Documents []pupil.Document
	// Sharing: the table says whom each document is shared with (the
	// school's own page).
	Sharing bool
}

// documentForm attaches the file of the pupil page's form (multipart,
// read by signedIn) with its name, kind and sharing.
func documentForm(s *Server, r *http.Request, u user.User, id string) (map[string]string, error) {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return map[string]string{"file": "Choose the file to attach"}, nil
	}
	defer f.Close()
	var cmd pupil.AddDocument
	if errs := decodeForm(r, &cmd); errs != nil {
		return errs, nil
	}
	if cmd.Name == "" {
		cmd.Name = hdr.Filename
	}
	_, err = s.svc.AddDocument(r.Context(), u, app.CommandOptions{}, id, cmd, f)
	if errs, ok := fieldErrors(err); ok {
		return errs, nil
	}
	return nil, err
}

// document downloads a document of the record; each read is logged.
func (s *Server) document(w http.ResponseWriter, r *http.Request, u user.User) {
	d, err := s.svc.Document(r.Context(), u, r.PathValue("id"), r.PathValue("doc"))
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	httpx.WriteDownload(w, d.ContentType, d.Name, d.Content)
}
