package api

import (
	"net/http"

	"github.com/sendcase/sendcase/eventstore"
)

// commandInput reads the Idempotency-Key header and decodes the body into cmd.
func (s *Server) commandInput(w http.ResponseWriter, r *http.Request, cmd any) (string, bool) {
	key, ok := idempotencyKey(w, r)
	if !ok {
		return "", false
	}
	return key, decode(w, r, cmd)
}

// answer writes a command's answer or its error.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, ans eventstore.Answer, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeAnswer(w, ans)
}
