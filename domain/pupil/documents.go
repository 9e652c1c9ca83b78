package pupil

import (
	"fmt"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
)

// Documents attached to a pupil's record: reports, the EHC plan, annual
// review paperwork, historic plans. The record holds what each is; the
// bytes are kept apart, sealed under the pupil's key (see
// eventstore/documents.go), so erasure destroys them too.

// DocumentKinds are what a document can be.
var DocumentKinds = domain.Allowed("document_kind", "report", "ehc_plan", "annual_review", "historic_plan", "advice", "other")

// MaxDocumentBytes is the largest document accepted: 20 MiB.
const MaxDocumentBytes = 20 << 20

// DocumentTypes are the content types accepted, judged from the bytes (not
// the name): PDF, PNG and JPEG images, Word documents and plain text.
var DocumentTypes = map[string]string{
	"application/pdf": "PDF",
	"image/png":       "PNG image",
	"image/jpeg":      "JPEG image",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
	"application/msword": "Word document",
	"text/plain":         "text",
}

// AddDocument is the command to attach a document; the file comes beside
// it.
type AddDocument struct {
	Name string `json:"name" validate:"notblank,max=200"`
	Kind string `json:"kind" validate:"required,allowed=document_kind"`
	// SharedWithParents and SharedWithLA say who outside the school may
	// read it: the pupil's parents, an LA reviewer with a live grant.
	SharedWithParents bool `json:"shared_with_parents"`
	SharedWithLA      bool `json:"shared_with_la"`
}

// File is what the service found of an uploaded file.
type File struct {
	ContentType string
	Size        int
	SHA256      string
}

// Document is a document attached to the record.
type Document struct {
	Entry             int        `json:"entry,omitempty"`
	ID                string     `json:"id"`
	Name              string     `json:"name" personal:"true"`
	Kind              string     `json:"kind"`
	ContentType       string     `json:"content_type"`
	Size              int        `json:"size"`
	SHA256            string     `json:"sha256"`
	SharedWithParents bool       `json:"shared_with_parents"`
	SharedWithLA      bool       `json:"shared_with_la"`
	AddedOn           civil.Date `json:"added_on"`
}

// DocumentAdded records a document attached.
type DocumentAdded struct {
	Document Document `json:"document"`
}

func (DocumentAdded) EventType() string        { return "document_added" }
func (e DocumentAdded) OccurredOn() civil.Date { return e.Document.AddedOn }

func init() { event.Register[DocumentAdded](1) }

// CheckFile refuses a file that is too large or of a type not accepted,
// naming the field "file".
func CheckFile(f File) error {
	switch _, ok := DocumentTypes[f.ContentType]; {
	case f.Size == 0:
		return domain.Invalid("file", "is empty: choose the file to attach")
	case f.Size > MaxDocumentBytes:
		return domain.Invalid("file", "must be at most 20 MiB; this one is %.1f MiB", float64(f.Size)/(1<<20))
	case !ok:
		return domain.Invalid("file", "must be a PDF, a PNG or JPEG image, a Word document or plain text; this one is %s", f.ContentType)
	}
	return nil
}

// AddDocument decides attaching document id (file f) to the record.
func (p *Pupil) AddDocument(id string, cmd AddDocument, f File, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	if err := CheckFile(f); err != nil {
		return nil, err
	}
	if !p.Exists() {
		return nil, domain.NotFound("pupil")
	}
	if p.Erasure != nil {
		return nil, p.ErasedError()
	}
	return []event.Data{DocumentAdded{Document: Document{ID: id, Name: cmd.Name, Kind: cmd.Kind, ContentType: f.ContentType, Size: f.Size,
		SHA256: f.SHA256, SharedWithParents: cmd.SharedWithParents, SharedWithLA: cmd.SharedWithLA, AddedOn: facts.Today}}}, nil
}

// Document returns the document with id.
func (p *Pupil) Document(id string) (Document, bool) {
	for _, d := range p.Documents {
		if d.ID == id {
			return d, true
		}
	}
	return Document{}, false
}

// SizeText is a document's size in words: "48 KB", "2.3 MB".
func (d Document) SizeText() string {
	if d.Size < 1<<20 {
		return fmt.Sprintf("%d KB", (d.Size+1023)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(d.Size)/(1<<20))
}
