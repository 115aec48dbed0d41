package blocks

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard/engine"
)

var sentimentSpec = engine.Spec{
	Type:     "sentiment",
	Title:    "Sentiment",
	Category: "logic",
	Description: "Scores the polarity of a text from -1 (negative) to 1 (positive) with a word list for " +
		"English, Spanish and Portuguese (negations such as \"not\" and \"no\" flip the next words, " +
		"intensifiers such as \"very\" and \"muy\" strengthen them, and common emoji count), stores the " +
		"score, and leaves by positive, neutral or negative.",
	Params: []engine.Param{
		{Name: "input", Kind: engine.KindExpression, Type: "string", Default: "interaction.text",
			Description: "the text to score", Example: "interaction.text"},
		{Name: "positive", Kind: engine.KindNumber, Default: 0.25, Min: engine.Bound(-1), Max: engine.Bound(1),
			Description: "scores at or above this are positive"},
		{Name: "negative", Kind: engine.KindNumber, Default: -0.25, Min: engine.Bound(-1), Max: engine.Bound(1),
			Description: "scores at or below this are negative"},
		{Name: "save_as", Kind: engine.KindString, Format: "identifier", Default: "sentiment",
			Description: "the variable that receives the score"},
	},
	Exits:    []string{"positive", "neutral", "negative"},
	SetsVars: func(p *engine.Params) []string { return nonEmpty(p.String("save_as")) },
	Examples: []engine.Example{{Title: "Like the happy mentions", YAML: `type: sentiment
params: {positive: 0.3}
next: {positive: like, neutral: topic, negative: to-care}
`}},
	Build: func(p *engine.Params) (engine.Block, error) {
		s := &sentiment{input: p.Expression("input"), positive: p.Number("positive"), negative: p.Number("negative"), saveAs: p.String("save_as")}
		if s.negative >= s.positive {
			return nil, engine.ParamErrorf("negative", "negative (%g) must be below positive (%g)", s.negative, s.positive)
		}
		return s, nil
	},
}

type sentiment struct {
	input              *engine.Expression
	positive, negative float64
	saveAs             string
}

var _ engine.Block = (*sentiment)(nil)

func (b *sentiment) Run(c *engine.Context) engine.Result {
	v, err := c.Eval(b.input)
	if err != nil {
		return engine.Fail(err)
	}
	score := SentimentScore(engine.Stringify(v))
	c.SetVar(b.saveAs, score)
	switch {
	case score >= b.positive:
		return engine.Next("positive")
	case score <= b.negative:
		return engine.Next("negative")
	}
	return engine.Next("neutral")
}

// SentimentScore returns the polarity of a text, from -1 to 1, rounded to two decimals.
func SentimentScore(text string) float64 {
	folded := engine.Fold(text)
	sum := 0.0
	flip, boost := 0, 1.0
	for _, w := range strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if negators[w] {
			flip = 3 // a negation reaches the next three words
			continue
		}
		if intensifiers[w] {
			boost = 1.5
			continue
		}
		if v, ok := lexicon[w]; ok {
			if flip > 0 {
				v = -v * 0.75
			}
			sum += v * boost
			boost = 1
		}
		if flip > 0 {
			flip--
		}
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		sum += emoji[r]
	}
	if strings.Count(text, "!") >= 2 && sum != 0 {
		sum *= 1.2
	}
	score := sum / math.Sqrt(sum*sum+12)
	return math.Round(score*100) / 100
}

// negators flip the words that follow them.
var negators = set0("not", "no", "never", "dont", "didnt", "doesnt", "isnt", "wasnt", "cant", "wont",
	"nunca", "ni", "tampoco", "jamas", "nao", "nem", "sin", "without")

// intensifiers strengthen the next sentiment word.
var intensifiers = set0("very", "really", "so", "extremely", "too", "totally", "muy", "super", "re",
	"tan", "demasiado", "bastante", "muito", "totalmente", "absolutamente")

// lexicon holds word valences from -3 to 3, folded (lower case, no accents).
var lexicon = map[string]float64{
	// English
	"good": 2, "great": 3, "excellent": 3, "amazing": 3, "awesome": 3, "love": 3, "loved": 3, "like": 1,
	"nice": 2, "happy": 2, "glad": 2, "thanks": 2, "thank": 2, "perfect": 3, "best": 3, "fast": 1,
	"helpful": 2, "friendly": 2, "recommend": 2, "wonderful": 3, "fantastic": 3, "pleased": 2, "works": 1,
	"solved": 2, "fixed": 1, "quick": 1, "easy": 1, "kind": 2, "satisfied": 2, "enjoy": 2, "cool": 1,
	"bad": -2, "terrible": -3, "awful": -3, "horrible": -3, "worst": -3, "hate": -3, "angry": -3,
	"broken": -2, "slow": -1, "problem": -1, "issue": -1, "error": -1, "fail": -2, "failed": -2,
	"useless": -3, "disappointed": -2, "disappointing": -2, "poor": -2, "wrong": -2, "refund": -1,
	"scam": -3, "fraud": -3, "ridiculous": -2, "annoying": -2, "unacceptable": -3, "waiting": -1,
	"rude": -3, "cancel": -1, "complaint": -2, "lost": -2, "sucks": -3, "stupid": -3,
	// Spanish
	"bueno": 2, "buena": 2, "buenisimo": 3, "excelente": 3, "genial": 3, "increible": 3, "encanta": 3,
	"encanto": 3, "gracias": 2, "feliz": 2, "contento": 2, "contenta": 2, "perfecto": 3, "mejor": 2,
	"rapido": 1, "rapida": 1, "amable": 2, "recomiendo": 2, "maravilloso": 3, "solucionado": 2,
	"resuelto": 2, "facil": 1, "lindo": 2, "linda": 2, "gusta": 1, "genio": 2, "barbaro": 2, "crack": 2,
	"malo": -2, "mala": -2, "pesimo": -3, "pesima": -3, "peor": -3,
	"odio": -3, "enojado": -3, "enojada": -3, "roto": -2, "rota": -2, "lento": -1, "lenta": -1,
	"problema": -1, "falla": -2, "fallo": -2, "inutil": -3, "decepcionado": -2, "decepcionada": -2,
	"estafa": -3, "fraude": -3, "verguenza": -3, "reclamo": -2, "queja": -2,
	"nadie": -1, "espera": -1, "esperando": -1, "mal": -2, "basura": -3, "desastre": -3, "cansado": -2,
	"harto": -3, "harta": -3, "indignado": -3, "indignada": -3, "ridiculo": -2, "inaceptable": -3,
	// Portuguese
	"bom": 2, "boa": 2, "otimo": 3, "otima": 3, "obrigado": 2, "obrigada": 2, "adorei": 3, "amei": 3,
	"legal": 1, "rapidez": 1, "ruim": -2, "pessimo": -3, "pessima": -3, "lixo": -3, "demora": -1,
	"quebrado": -2, "reclamacao": -2, "decepcionante": -2, "pior": -3, "raiva": -3,
}

// emoji holds the valence of common emoji.
var emoji = map[rune]float64{
	'😀': 2, '😃': 2, '😄': 2, '😁': 2, '😊': 2, '🙂': 1, '😍': 3, '🥰': 3, '❤': 3, '👍': 2, '👏': 2,
	'🙌': 2, '🎉': 2, '💯': 2, '😂': 1, '⭐': 1, '✨': 1,
	'😠': -3, '😡': -3, '🤬': -3, '😤': -2, '😞': -2, '😢': -2, '😭': -2, '👎': -2, '💩': -3, '🙄': -1,
	'😒': -2, '😩': -2, '😫': -2,
}

func set0(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
