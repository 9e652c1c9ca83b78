package httpx

import (
	"mime"
	"net/http"
)

// WriteDownload sends content as a file to save (a document of a record):
// with the type it was judged to be, the browser told not to guess another
// nor to keep a copy.
func WriteDownload(w http.ResponseWriter, contentType, name string, content []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(content)
}
