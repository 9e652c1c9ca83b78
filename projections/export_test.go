package projections

// RoundTripTrendMonth is m's counts kept as a cached month and added back
// to an empty month (for the test that every count is kept).
func RoundTripTrendMonth(m TrendMonth) TrendMonth {
	p, ok := packTrend("school", &m)
	if !ok {
		panic("does not fit")
	}
	out := TrendMonth{Month: m.Month, AsOf: m.AsOf}
	p.addTo(&out)
	return out
}
