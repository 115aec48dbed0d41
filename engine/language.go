package engine

import (
	"strings"
)

// The contact's language decides which translation of a flow's texts a session uses. It is,
// in order: the language the contact already has (a known contact, a flow test's contact, or a
// set of contact.language); the network's locale of the interaction (it_IT → it); the language
// the first message is written in, when DetectLanguage is sure; the channel's default language;
// and last the flow's own base language.

// LanguageOf returns the language of a locale or language tag: "it_IT", "it-IT" and "IT" are
// all "it". It returns "" for something that is not one.
func LanguageOf(tag string) string {
	if tag == "" {
		return ""
	}
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "_-"); i >= 0 {
		tag = tag[:i]
	}
	if len(tag) < 2 || len(tag) > 3 {
		return ""
	}
	for i := 0; i < len(tag); i++ {
		if tag[i] < 'a' || tag[i] > 'z' {
			return ""
		}
	}
	return tag
}

// stopwords are short, frequent words of each language that DetectLanguage counts. Words two
// languages share (de, la, no, a, e...) are left out, so each one found is a vote for one.
var stopwords = map[string][]string{
	"es": {"el", "los", "las", "y", "es", "una", "por", "para", "con", "pero", "mi", "tengo", "quiero", "hola", "gracias", "cuenta", "factura", "está", "qué", "cómo", "muy", "también", "ayuda", "puedo", "necesito", "buenas", "buenos", "días", "ya", "nada"},
	"it": {"il", "gli", "lo", "e", "è", "sono", "per", "con", "ma", "mio", "mia", "ho", "voglio", "ciao", "grazie", "conto", "fattura", "che", "come", "molto", "anche", "aiuto", "posso", "non", "buongiorno", "sera", "del", "della", "nel", "ordine"},
	"fr": {"le", "les", "et", "est", "une", "pour", "avec", "mais", "mon", "ma", "j'ai", "je", "veux", "bonjour", "merci", "compte", "facture", "qui", "comment", "très", "aussi", "aide", "peux", "pas", "ne", "du", "des", "au", "vous", "commande"},
	"en": {"the", "and", "is", "are", "for", "with", "but", "my", "have", "want", "hello", "hi", "thanks", "thank", "you", "account", "invoice", "what", "how", "very", "also", "help", "can", "not", "i", "it", "this", "to", "of", "order"},
	"pt": {"os", "as", "é", "são", "uma", "com", "mas", "meu", "minha", "tenho", "quero", "olá", "obrigado", "obrigada", "conta", "fatura", "não", "como", "muito", "também", "ajuda", "posso", "você", "bom", "dia", "do", "da", "no", "na", "pedido"},
}

// DetectLanguage guesses the language of a short text among the candidates, by counting the
// frequent words of each (stopwords above): the language with the most wins when it has at
// least two and twice as many as the next. It returns "" when it is not sure (short or mixed
// text, or no candidate it knows). Case and accents are ignored.
func DetectLanguage(text string, candidates []string) string {
	if len(candidates) == 0 {
		return ""
	}
	counts := make(map[string]int, len(candidates))
	words := strings.FieldsFunc(Fold(text), func(r rune) bool {
		return !(r == '\'' || r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || r > 127)
	})
	for _, lang := range candidates {
		list := stopwords[lang]
		if list == nil {
			continue
		}
		for _, w := range words {
			for _, s := range list {
				if w == Fold(s) {
					counts[lang]++
					break
				}
			}
		}
	}
	best, second := "", 0
	for _, lang := range candidates {
		n := counts[lang]
		switch {
		case best == "" || n > counts[best]:
			if best != "" {
				second = max(second, counts[best])
			}
			best = lang
		case n > second:
			second = n
		}
	}
	if best == "" || counts[best] < 2 || counts[best] < 2*second {
		return ""
	}
	return best
}

// contactLanguage settles a new session's language (see the order above).
func contactLanguage(s *Session, f *Flow, defaultLanguage string) string {
	if lang := LanguageOf(s.Contact.Language); lang != "" {
		return lang
	}
	if lang := LanguageOf(s.Interaction.Locale); lang != "" {
		return lang
	}
	if langs := f.Languages(); len(langs) > 1 {
		if lang := DetectLanguage(s.Interaction.Text, langs); lang != "" {
			return lang
		}
	}
	if lang := LanguageOf(defaultLanguage); lang != "" {
		return lang
	}
	return f.Language
}

// Languages returns the flow's base language and the languages it has translations into, or
// nothing when it names no base language.
func (f *Flow) Languages() []string {
	if f.Language == "" {
		return nil
	}
	out := []string{f.Language}
	for _, l := range f.Translations {
		if l != f.Language {
			out = append(out, l)
		}
	}
	return out
}

// BlockFor returns the block to run for a contact's language: its translation into that
// language, or the block as written.
func (n *Node) BlockFor(language string) Block {
	if b, ok := n.Translated[language]; ok {
		return b
	}
	return n.Block
}
