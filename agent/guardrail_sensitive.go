package agent

import (
	"regexp"
	"strings"
)

// A business never asks a lead to text a card number, a security code, a
// bank account, an identity number or a password: whoever talked the
// model into asking, such a reply is a phishing message from the
// business's own number. No evidence makes it right, so this rule does
// not read the evidence.

var (
	// reSecretItem names what is secret however it is asked for.
	reSecretItem = regexp.MustCompile(`\b(?:card (?:number|no|num|#|details|detail|info|information|digits|data)|cards? numbers?` +
		`|(?:credit|debit|visa|mastercard|amex|american express|discover) (?:card )?(?:number|no|#|details|info|information|digits)` +
		`|cvv2?|cvc2?|csc|cid code|security code|(?:3|4|three|four)[ -]digit (?:code|number|security)` +
		`|(?:digits|numbers?|code) (?:on|at) the (?:back|front)|long number on|expir(?:y|ation)(?: date)?|exp date|valid thru` +
		`|ssn|social security|social (?:number|#)|(?:bank|checking|savings) (?:account|details|info|login)|account (?:number|#|no)` +
		`|routing (?:number|#|no)|iban|swift code|sort code|online banking|password|passcode|pass code|passphrase` +
		`|login (?:details|info|credentials)|credentials|pin (?:number|code)|your pin|one[ -]time (?:code|password|passcode)|otp` +
		`|verification code|security question|maiden name|driver'?s licen[cs]e (?:number|#)` +
		`|numero de (?:la |su |tu )?tarjeta|datos de (?:la |su |tu )?tarjeta|codigo de seguridad|(?:3|tres) digitos` +
		`|fecha de (?:vencimiento|expiracion|caducidad)|contrasena|clave de acceso|(?:su|tu) clave|cuenta bancaria|numero de cuenta` +
		`|seguro social|(?:su|tu|el) nip|codigo de verificacion)\b`)
	// reCardAsk asks for the card itself: "text me your card", "send a
	// photo of your Visa", "dame tu tarjeta".
	reCardAsk = regexp.MustCompile(`\b(?:send|text|give|share|provide|read|tell|type|enter|reply with|need|what's|what is|snap|photo of|picture of|envie\w*|mande\w*|manda\w*|dame|deme|digame|comparta|necesito)\b.{0,40}\b(?:your|the|a|su|tu|la) (?:credit |debit )?(?:card|visa|mastercard|amex|tarjeta)\b`)
	// reRefusal says not to send it: "please don't text card numbers",
	// "we never ask for card details".
	reRefusal = regexp.MustCompile(`\b(?:never|don't|do not|dont|no need to|not necessary|shouldn't|should not|won't|will not|nunca|no (?:nos |le |te |lo )?(?:envie|mande|comparta|pedimos|pediremos))\b`)
	// reClauseBreak ends the reach of a refusal: "don't worry, just text
	// your card number" asks for it.
	reClauseBreak = regexp.MustCompile(`[.!?;:]|\s-+\s|,\s*(?:just|but|so|now|then|and|only|simply|pero|solo|y)\b|\bbut\b|\bpero\b`)
)

// asksForSecrets reports whether folded text asks the lead for card,
// bank, identity or login data, in any clause that does not tell them
// not to send it.
func asksForSecrets(folded string) bool {
	for _, clause := range reClauseBreak.Split(folded, -1) {
		if reRefusal.MatchString(clause) {
			continue
		}
		if reSecretItem.MatchString(clause) || reCardAsk.MatchString(clause) {
			return true
		}
	}
	return false
}

// secretWords are words from which a streamed reply holds a sentence to
// check it for a request for secrets.
var secretWords = strings.Fields(`card cvv cvc csc security expiration expiry exp ssn social bank checking savings account
	routing iban swift password passcode passphrase pin otp verification maiden credentials login licence license
	tarjeta codigo contrasena clave cuenta seguro nip digitos`)
