package api

import (
	"errors"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/httpx"
)

// maxDocumentBody is a document and its form fields.
const maxDocumentBody = pupil.MaxDocumentBytes + 1<<20

// addDocument attaches a document uploaded as multipart/form-data: the
// file in "file", and the fields of pupil.AddDocument beside it.
func (s *Server) addDocument(w http.ResponseWriter, r *http.Request, u user.User) {
	// Who may attach is checked before the file is read.
	o, f, name, ok := s.upload(w, r, func() error { return s.svc.MayAddDocument(r.Context(), u, r.PathValue("id")) })
	if !ok {
		return
	}
	defer f.Close()
	cmd := pupil.AddDocument{Name: name, Kind: r.FormValue("kind")}
	for field, dst := range map[string]*bool{"shared_with_parents": &cmd.SharedWithParents, "shared_with_la": &cmd.SharedWithLA} {
		if v := r.FormValue(field); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				fieldProblem(w, field, "must be true or false")
				return
			}
			*dst = b
		}
	}
	res, err := s.svc.AddDocument(r.Context(), u, o, r.PathValue("id"), cmd, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, res)
}

// upload reads a multipart/form-data upload after may allows it: the
// command's options, the file in "file", and its name (the form's "name",
// or the file's own). Refused, the answer is written and ok is false.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, may func() error) (o app.CommandOptions, f multipart.File, name string, ok bool) {
	if o, ok = commandOptions(w, r); !ok {
		return o, nil, "", false
	}
	if err := may(); err != nil {
		s.writeError(w, r, err)
		return o, nil, "", false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxDocumentBody)
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "multipart/form-data" {
		httpx.WriteProblem(w, httpx.New(http.StatusUnsupportedMediaType, httpx.TypeMediaType, "Send the document as multipart/form-data with the file in the field \"file\"."))
		return o, nil, "", false
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			fieldProblem(w, "file", "must be at most 20 MiB")
			return o, nil, "", false
		}
		fieldProblem(w, "file", "attach the document as the form field \"file\"")
		return o, nil, "", false
	}
	if name = r.FormValue("name"); name == "" {
		name = hdr.Filename
	}
	return o, f, name, true
}

func (s *Server) documents(w http.ResponseWriter, r *http.Request, u user.User) {
	docs, err := s.svc.Documents(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, documentsAnswer{Documents: docs})
}

type documentsAnswer struct {
	Documents []pupil.Document `json:"documents"`
}

// document answers a document's bytes as a download, with the type it was
// judged to be; the browser is told not to guess another.
func (s *Server) document(w http.ResponseWriter, r *http.Request, u user.User) {
	d, err := s.svc.Document(r.Context(), u, r.PathValue("id"), r.PathValue("doc"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	httpx.WriteDownload(w, d.ContentType, d.Name, d.Content)
}
