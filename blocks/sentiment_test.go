package blocks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/sim"
)

func TestSentiment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		params string
		text   string
		exit   string
	}{
		{"English positive", "{}", "The service was great, thanks!", "positive"},
		{"English negative", "{}", "This is terrible, the worst support ever", "negative"},
		{"English neutral", "{}", "I have a question about my account", "neutral"},
		{"Spanish positive", "{}", "El servicio es EXCELENTE, gracias", "positive"},
		{"Spanish negative", "{}", "Pésimo servicio, una vergüenza", "negative"},
		{"Portuguese positive", "{}", "O atendimento foi ótimo, obrigado", "positive"},
		{"Portuguese negative", "{}", "Que lixo, péssimo atendimento", "negative"},
		{"English negation", "{}", "this is not good", "negative"},
		{"Spanish negation", "{}", "el producto no es bueno", "negative"},
		{"Portuguese negation", "{}", "não é bom", "negative"},
		{"a negation turns a bad word mild", "{}", "not bad at all", "positive"},
		{"a negation reaches the third word", "{}", "not at all good", "negative"},
		{"a negation stops after three words", "{}", "No sé, me parece bueno", "positive"},
		{"an angry emoji", "{}", "mi pedido 😡", "negative"},
		{"a loving emoji", "{}", "mi pedido 😍", "positive"},
		{"a thumbs up", "{}", "ok 👍", "positive"},
		{"no words at all", "{}", "", "neutral"},
		{"a mild text below the default threshold", "{}", "no me gusta nada", "neutral"},
		{"a lower negative threshold", "{negative: -0.2}", "no me gusta nada", "negative"},
		{"a higher positive threshold", "{positive: 0.6}", "good", "neutral"},
		{"an intensifier passes a higher threshold", "{positive: 0.6}", "very good", "positive"},
		{"a Spanish intensifier", "{positive: 0.6}", "muy bueno", "positive"},
		{"a Portuguese intensifier", "{positive: 0.6}", "muito bom", "positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := around(t, "webchat", "b:\n  type: sentiment\n  params: "+tt.params+"\n")
			o := play(t, f, sim.Scenario{Interaction: message(tt.text)})
			require.Nil(t, o.Error)
			require.Equal(t, tt.exit, exitOf(t, o, "b"), "text %q scored %v", tt.text, o.Vars["sentiment"])
			score, ok := o.Vars["sentiment"].(float64)
			require.True(t, ok, "the score is a number: %#v", o.Vars["sentiment"])
			require.Equal(t, blocks.SentimentScore(tt.text), score)
			require.GreaterOrEqual(t, score, -1.0)
			require.LessOrEqual(t, score, 1.0)
		})
	}
}

func TestSentimentScoreOrdering(t *testing.T) {
	t.Parallel()
	s := blocks.SentimentScore
	require.Zero(t, s("meh"))
	require.Greater(t, s("very good"), s("good"), "an intensifier strengthens")
	require.Greater(t, s("muy bueno"), s("bueno"))
	require.Less(t, s("very bad"), s("bad"))
	require.Less(t, s("not good"), 0.0, "a negation flips")
	require.Greater(t, s("not bad"), 0.0)
	require.Less(t, s("not very good"), s("not good"), "an intensifier after a negation strengthens the flipped word")
	require.Less(t, s("terrible!!"), s("terrible"), "exclamations strengthen")
	require.Equal(t, s("PÉSIMO"), s("pesimo"), "case and accents do not matter")
	require.Greater(t, s("I love it 😍"), s("I love it"), "emoji count")
}

func TestSentimentSaveAsAndInput(t *testing.T) {
	t.Parallel()
	f := load(t, registry, `switchboard: 1
id: test
name: test
vars: {review: "awful, just awful"}
blocks:
  in:
    type: webchat.trigger
    next: {message: b}
  b:
    type: sentiment
    params: {input: vars.review, save_as: mood}
    next: {positive: done, neutral: done, negative: done}
  done: {type: end}
`)
	o := play(t, f, sim.Scenario{Interaction: message("great, thanks!")})
	require.Equal(t, "negative", exitOf(t, o, "b"), "the block scores its input, not the interaction's text")
	require.Contains(t, o.Vars, "mood")
	require.NotContains(t, o.Vars, "sentiment")
	require.Less(t, o.Vars["mood"].(float64), -0.25)
}

func TestSentimentThresholdsMustBeOrdered(t *testing.T) {
	t.Parallel()
	errs := loadErrors(t, flowDoc("test", "webchat", "b:\n  type: sentiment\n  params: {positive: 0.1, negative: 0.2}\n"))
	require.Len(t, errs, 1, diagText(errs))
	require.Equal(t, "blocks.b.params.negative", errs[0].Path)
	require.Contains(t, errs[0].Message, "must be below positive")
}
