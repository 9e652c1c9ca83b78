package api

import (
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/user"
)

// periodQuery reads ?from=&to= (days) with what every view takes.
func periodQuery(w http.ResponseWriter, r *http.Request) (app.PeriodQuery, bool) {
	vq, ok := viewQuery(w, r)
	if !ok {
		return app.PeriodQuery{}, false
	}
	q := app.PeriodQuery{ViewQuery: vq}
	var probs domain.Problems
	queryDay(r, &probs, "from", &q.From)
	queryDay(r, &probs, "to", &q.To)
	if err := probs.Err(); err != nil {
		writeProblems(w, err)
		return q, false
	}
	return q, true
}

func (s *Server) deliveryView(w http.ResponseWriter, r *http.Request, u user.User) {
	q, ok := periodQuery(w, r)
	if !ok {
		return
	}
	v, err := s.svc.Delivery(r.Context(), u, r.PathValue("trust"), r.PathValue("school"), q)
	writeView(s, w, r, v, err, func() ([]byte, error) { return csvBytes(v.Data.Table()) })
}

func (s *Server) impactView(w http.ResponseWriter, r *http.Request, u user.User) {
	q, ok := periodQuery(w, r)
	if !ok {
		return
	}
	v, err := s.svc.Impact(r.Context(), u, r.PathValue("trust"), r.PathValue("school"), q)
	writeView(s, w, r, v, err, func() ([]byte, error) { return csvBytes(v.Data.Table()) })
}
