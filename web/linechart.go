package web

import (
	"fmt"
	"strings"
)

// lineChart is a line chart drawn on the server as SVG (no script), with
// the numbers also given as a table under it, so it reads without colour,
// without images and with a screen reader.
type lineChart struct {
	Title  string
	Unit   string // "%" or "" (a count)
	Labels []string
	Lines  []chartLine
	// Min and Max are the bottom and top of the scale (Min 0 for counts
	// and percentages; a measure's readings start where they start).
	Min, Max float64
}

// chartLine is one line; a nil value is a month without a figure (no
// plans issued in the 12 months, say), where the line breaks.
type chartLine struct {
	Label  string
	Class  string // l0, l1, ... or ref for a reference line
	Values []*float64
}

// chartHeight is the SVG's height in viewBox units (its width is 100).
const chartHeight = 40

// Segments are the polylines of a line, as SVG points, broken where a
// value is missing.
func (c lineChart) Segments(l chartLine) []string {
	var out []string
	var cur []string
	n := len(l.Values)
	for i, v := range l.Values {
		if v == nil {
			if len(cur) > 0 {
				out = append(out, strings.Join(cur, " "))
			}
			cur = nil
			continue
		}
		x := 50.0
		if n > 1 {
			x = float64(i) * 100 / float64(n-1)
		}
		y := chartHeight - (*v-c.Min)/(c.Max-c.Min)*chartHeight
		cur = append(cur, fmt.Sprintf("%.2f,%.2f", x, y))
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, " "))
	}
	return out
}

// Rows are the table under the chart: a month and each line's value.
func (c lineChart) Rows() [][]string {
	rows := make([][]string, len(c.Labels))
	for i, label := range c.Labels {
		row := []string{label}
		for _, l := range c.Lines {
			row = append(row, c.format(l.Values[i]))
		}
		rows[i] = row
	}
	return rows
}

func (c lineChart) format(v *float64) string {
	if v == nil {
		return "—"
	}
	s := strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", *v), "0"), ".")
	return s + c.Unit
}

// Top and Bottom are the ends of the scale as the chart's text says them.
func (c lineChart) Top() string    { return c.format(&c.Max) }
func (c lineChart) Bottom() string { return c.format(&c.Min) }

// scaleTop is a round top for values up to m (at least 1).
func scaleTop(m float64) float64 {
	for _, top := range []float64{1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000} {
		if m <= top {
			return top
		}
	}
	return m
}

func num(n int) *float64 { f := float64(n); return &f }
