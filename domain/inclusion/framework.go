// Package inclusion is what a trust reviews of its SEND provision: the MAT
// SEND review (Whole School SEND's MAT Review Framework: five areas and
// their statements, rated school by school in rounds, with evidence,
// actions and an invited peer reviewer) and the attendance and exclusion
// counts by SEN status a school imports each term. It is pure: dates are
// passed in.
package inclusion

import (
	"fmt"

	"github.com/sendcase/sendcase/domain"
)

// Area is one of the framework's five areas.
type Area struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Areas are the framework's areas, in its order.
var Areas = []Area{
	{"leadership", "Leadership"},
	{"identification", "Identification"},
	{"tracking", "Tracking and monitoring progress"},
	{"teaching", "High quality teaching and intervention"},
	{"provision", "Developing provision"},
}

// AreaIDs are the areas' ids, for commands naming one.
var AreaIDs = domain.Allowed("review_area", "leadership", "identification", "tracking", "teaching", "provision")

// AreaName is area id's name ("" for none).
func AreaName(id string) string {
	for _, a := range Areas {
		if a.ID == id {
			return a.Name
		}
	}
	return ""
}

// Statement is one statement of the framework, or one a trust added.
type Statement struct {
	ID   string `json:"id"`
	Area string `json:"area"`
	Text string `json:"text"`
}

// Ratings a statement can be given, best first.
const (
	Secure     = "secure"
	Developing = "developing"
	NotYet     = "not_yet"
)

// Ratings lists them.
var Ratings = domain.Allowed("review_rating", Secure, Developing, NotYet)

// points are a rating's points in a roll-up: secure 2, developing 1, not
// yet in place 0.
func points(rating string) int {
	switch rating {
	case Secure:
		return 2
	case Developing:
		return 1
	}
	return 0
}

// framework is the MAT Review Framework's statements by area, as Whole
// School SEND published them; each gets the id <area>-<n>.
var framework = map[string][]string{
	"leadership": {
		"Those responsible for the strategic leadership of SEND have a clear vision for the SEND provision and outcomes in the MAT",
		"The person or those responsible for the strategic leadership of SEND is/are member(s) of the executive team",
		"Those responsible for the strategic leadership of SEND ensure that the executive team is briefed on current SEND policy and practice",
		"The MAT has a SEND Policy that meets the legal requirements and is published on both the MAT website and on academy websites",
		"MAT leaders have created a culture and ethos that actively welcomes and engages parents and carers of learners with SEND",
		"MAT leaders proactively analyse exclusion data to ensure that the representation of learners with SEND is proportionate and that exclusion is used as a last resort",
		"The MAT corporate plan includes identified SEND strategic objectives and is supported by an effective development plan",
		"Those responsible for the strategic leadership of SEND have received appropriate training and are experienced and knowledgeable on SEND policy and practice",
		"Those responsible for the strategic leadership of SEND lead discussions regarding the deployment of MAT SEND resources and the effective use of funding at both an academy specific level and a MAT wide level",
		"The impact of expenditure and resource deployment is evaluated effectively by the MAT",
		"A lead trustee for SEND at MAT level and a lead governor for SEND at academy level have been identified and there is effective regular contact between them and those responsible for the strategic leadership of SEND and the SENCO",
		"The lead trustee and SEND governors systematically challenge leaders about the progress and attainment of learners with SEND and the efficient use of resources",
		"SEND provision (including roles of staff) is clearly articulated and understood by all members of the MAT",
		"Staff CPD needs related to SEND are accurately identified and ongoing training is in place (including for teaching assistants and other support staff) at both an academy and MAT wide level",
		"The performance management system is consistently used to improve outcomes for learners with SEND across all academies within the organisation and within the MAT leadership itself",
	},
	"identification": {
		"Academies work effectively with those responsible for the strategic leadership of SEND to support accurate and early identification",
		"A MAT SEND strategic overview is in place across the trust to inform provision planning, and staff in all academies are familiar with it",
		"Patterns of need at trust and academy level are analysed effectively by the MAT and the information used to support the development of the organisation",
		"Those responsible for the strategic leadership of SEND liaise with parents, academies and outside agencies to ensure accurate and early identification",
		"SEND Code of Practice and DfE census guidance is used when categorising a pupil's area of need and the MAT analyses this information in order to support the development of provision across the organisation",
		"The MAT ensures that the effectiveness of high quality classroom teaching is taken into account before assuming a pupil has SEND",
		"The MAT ensures that teaching assistants and additional staff are used to support the identification process where necessary",
		"Those responsible for the strategic leadership of SEND work with specialists to support the identification process",
		"The SEND register in each academy is accurate and reviewed regularly",
		"A range of diagnostic assessments are available to support accurate screening for SEND across all academies within the MAT",
	},
	"tracking": {
		"The MAT executive team have a clear understanding of the progress and attainment of learners with SEND and how these compare with national figures and with other learners across the MAT",
		"The MAT monitors the progress and attainment of learners with SEND across the four broad areas of need",
		"The MAT monitors the progress and attainment of learners with SEND across all year groups and within subjects, conducting comparative analysis in order to identify patterns and trends",
		"The MAT uses progress and attainment data effectively, to inform planning and interventions",
		"Reports on the progress of learners with SEND are shared with relevant colleagues in all academies and used to target support effectively",
		"Learners with SEND are set challenging progress targets taking into account national expectations, prior progress and attainment",
		"Standardised and diagnostic assessments are used to further track and monitor progress of learners with SEND across the MAT and the data analysed effectively to inform provision",
		"Attendance, exclusions, behaviour data and other qualitative data (for example attitudinal surveys) are used to measure and personalise interventions across the MAT",
		"The MAT evaluates the extent to which its academies are engaging with a range of methodologies to prepare learners with SEND for the next stage in their education, training or employment, evidenced by tracked outcomes following transition and destination data",
		"The MAT carefully analyses rates, patterns of and reasons for suspensions and permanent exclusions to ensure that the representation of learners with SEND is not disproportionate",
		"There are no informal or unofficial exclusions within the trust",
	},
	"teaching": {
		"Those responsible for the strategic leadership of SEND at MAT level work alongside SENCOs to support differentiation and curriculum development",
		"All academies promote high quality teaching as the first step in responding to learners' needs",
		"Those responsible for the strategic leadership of SEND ensure that SENCOs regularly evaluate the quality of teaching for learners with SEND and analyse the information at a MAT wide level",
		"The provision mapping process is in place to support the coordination of support and interventions in each academy",
		"There is an appropriate balance between in-class, group and individual support in each academy",
		"Those responsible for the strategic leadership of SEND ensure that SENCOs use evidence-based interventions and evaluate their impact effectively",
		"Those responsible for the strategic leadership of SEND ensure support is informed and delivered by adults who understand learners' needs and know learners' targets",
		"Those responsible for the strategic leadership of SEND ensure that SENCOs and other senior leaders monitor the impact of teaching assistants and review this regularly through learning walks and observation",
		"Those responsible for the strategic leadership of SEND support SENCOs and other senior leaders to ensure teaching assistants monitor the progress of learners with SEND during classroom support and intervention",
		"All academies effectively implement the graduated approach; the Assess, Plan, Do, Review cycle is embedded for every pupil with SEND across all academies within the MAT",
		"A comprehensive CPD programme is in place at MAT and academy level to ensure ongoing improvements in the quality of teaching and learning for pupils with SEND",
	},
	"provision": {
		"The MAT provides a range of packages of support for learners with SEND as part of a personalised curriculum, making effective use of locations, provision and expertise within the organisation",
		"Those responsible for the strategic leadership of SEND ensure that the MAT supports its academies to develop the required on-site expertise to meet its full range of learner needs",
		"The MAT has in place systems to provide the necessary support for learners with SEND through transitions within settings, between settings within the MAT and to settings beyond the MAT",
		"Those responsible for the strategic leadership of SEND are proactive in ensuring that all settings within the MAT keep parents and carers and learners with SEND well informed",
		"The MAT develops opportunities to hear the views of parents and carers; this information is collated centrally and analysed to ascertain key themes and variables",
		"Those responsible for the strategic leadership of SEND ensure that academies and parents and carers are supported to work in partnership to achieve co-produced outcomes relating to learners with SEND",
		"Those responsible for the strategic leadership of SEND ensure that best practice is shared between academies and there are opportunities to review and learn from each other (such as peer SEND review)",
		"The MAT commissions outside agency support effectively and as a result, this is high quality and there is evidence of improved learner outcomes",
		"Those responsible for the strategic leadership of SEND make effective use of links with a range of MATs and SEND organisations to ensure that the trust is at the forefront of SEND practice",
	},
}

// Framework is the published framework's statements, area by area.
var Framework = func() []Statement {
	var out []Statement
	for _, a := range Areas {
		for i, text := range framework[a.ID] {
			out = append(out, Statement{ID: fmt.Sprintf("%s-%d", a.ID, i+1), Area: a.ID, Text: text})
		}
	}
	return out
}()

// Statements are the framework's statements with a trust's own (added to
// areas), area by area.
func Statements(own []Statement) []Statement {
	var out []Statement
	for _, a := range Areas {
		for _, s := range Framework {
			if s.Area == a.ID {
				out = append(out, s)
			}
		}
		for _, s := range own {
			if s.Area == a.ID {
				out = append(out, s)
			}
		}
	}
	return out
}
