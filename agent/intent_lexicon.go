package agent

// The intent lexicons: hand-written phrases, each with a weight of
// evidence for one signal. Weights add up per signal (with diminishing
// returns) and become scores through 1-exp(-evidence): one weight of 1.0
// reads as 0.63, 1.6 as 0.80, 0.5 as 0.39. A handoff class needs about
// 0.7 of evidence to be the message's intent.
//
// The phrases were written for leads texting a home-services business and
// checked for breadth against public intent sets (see
// intent_quality_test.go); none is taken from those sets.

// icClass is what a lexicon entry is evidence for.
type icClass int

const (
	icBuying icClass = iota
	icHuman
	icComplaint
	icFAQ
	icOther
	// icPriceFrame and icCapFrame mark a clause that asks a price ("how
	// much is ...") or whether the business does something ("do you
	// offer ..."): buying words inside such a clause are asked about, not
	// asked for.
	icPriceFrame
	icCapFrame
	// icPolicyFrame marks a clause that asks about a policy ("in which
	// cases can I get a refund"): complaint words inside it are asked
	// about, not meant.
	icPolicyFrame
	// icAskFrame marks a yes-or-no question about what the lead must do
	// ("do I need to book ahead?"): even firm buying phrases in it are
	// asked about.
	icAskFrame
	// icIdentityFrame marks a clause that asks whether the assistant is a
	// person ("are you a real person?"): a question about us, not a
	// request for someone else.
	icIdentityFrame
	// icDefer puts buying off ("just looking", "not yet").
	icDefer
	icClasses
)

// icFlag modifies how an entry counts.
type icFlag uint8

const (
	// icFirm: a buying phrase that stays buying inside a price or
	// capability question ("how much? I want to book").
	icFirm icFlag = 1 << iota
	// icNoNeg: a phrase that carries its own negation ("nobody showed
	// up"), so a negator before it does not cancel it.
	icNoNeg
	// icPastOK: a buying phrase that means its past forms ("I'd like to
	// get it installed"); other buying phrases are dropped when a verb of
	// theirs is in the past ("the order I placed").
	icPastOK
)

type icEntry struct {
	pat   string
	w     float64
	flags icFlag
}

// icMacros are groups used across the lexicons.
var icMacros = map[string]string{
	"want":   "want|need|would like|would love|like to|wish|looking|hoping|hope to|ready|interested|plan|planning|thinking about|decided|decide|prefer|would prefer",
	"me":     "me|us|myself",
	"person": "person|human|agent|representative|operator|assistant|founder|founders|ceo|president|director|someone|somebody|anyone|anybody|manager|supervisor|owner|staff|employee|associate|advisor|adviser|people|team member|live agent|specialist|consultant|boss|individual|human being|real one|actual person|live one|one of your|one of you|staff member",
	"talk":   "talk|speak|chat|text|discuss|converse|communicate",
	"bookv":  "book|schedule|reserve|set up|setup|arrange|make|request|line up|lock in|get",
	"bookn":  "appointment|visit|service call|consultation|consult|inspection|time slot|slot|demo|meeting|tune up|tuneup|checkup|check up|service|repair|installation|install|estimate|quote|cleaning|maintenance|reservation|table|room|flight|hotel|rental|evaluation|assessment|walkthrough|walk through|site visit|tech|technician|plumber|electrician|date|day|call|job|crew|install date",
	"done":   "installed|replaced|fixed|repaired|serviced|done|cleaned|inspected|looked at|checked out|checked|quoted|put in|hooked up|upgraded|built|started|scheduled|booked|taken care of|out",
	"quote":  "quote|estimate|bid|proposal|price quote|consultation|assessment|appraisal|pricing",
	"det":    "a|an|the|my|our|some|this|that|one|your|another|new|few|couple|several|more|two|three|these|those",
	"tech":   "tech|technician|guy|plumber|electrician|installer|crew|team|worker|man|contractor|someone|somebody|person|people|repairman|serviceman|company|staff|employee|rep|representative",
	"you":    "you|your company|your team|your guy|your people|your tech|your technician|y'all|you all|you guys|your business|this company|your crew",
	"affirm": "yes|yeah|yep|yup|yea|ya|sure|okay|alright|absolutely|definitely|certainly|of course|please|sounds good|sounds great|that works|works for me|perfect|great|go ahead|do it|let us do it|book it|please do|i would like that|that would be great|y|si|correct|deal|why not|lets|let us|i am in|count me in",
	"when":   "today|tomorrow|tonight|morning|afternoon|evening|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|week|asap|as soon as possible|soon|this|next",
}

// icLexicon holds every entry, by class.
var icLexicon = map[icClass][]icEntry{
	icBuying: {
		// Saying so: "I want to book", "I'd like to get a quote", "ready to buy".
		{"@want to? (book|schedule|reserve|buy|purchase|order|sign up|sign|enroll|=apply|hire|move forward|proceed|go ahead|go with|sign on|commit|place an order)", 1.6, icFirm},
		{"(@want to|how do i|how can i|how to|ready to|let us) get started", 0.9, 0},
		{"@want to? (get|have) (it|this|that|them|my|our|the|a|an|one|some|something|mine) ~2 @done", 1.4, icPastOK},
		{"@want (it|this|that|them|my|our|the) ~2 (installed|replaced|fixed|repaired|serviced|looked at|checked out|quoted|put in|hooked up|upgraded|scheduled|booked)", 1.0, icPastOK},
		{"@want (a|an|the|your|some)? (new|free)? (quote|estimate|bid|proposal|appointment|consultation|visit|service call|installation|install|replacement|tech|technician|plumber|electrician|contractor|inspection|tune up|tuneup|demo|loan|mortgage|reservation|financing|financing application|room|table|flight|rental car|car rental|suite|ride)", 1.2, 0},
		{"@want (a|an) new", 0.6, 0},
		{"@want to? (replace|install|upgrade|buy|purchase) (a|an|the|my|our|some|new|it|them|one)", 1.3, 0},
		{"@want to? get (a|an|some)? new", 0.8, 0},
		{"(would|do) you (be able to|mind)? (come|stop|swing) (out|by|over)", 0.8, 0},
		// Imperatives and direct requests: "book me", "send me a quote".
		{"(book|schedule|reserve|pencil|put|fit|squeeze|sign) (me|us) (in|up|for|down|on)?", 1.7, icFirm},
		{"(book|schedule|reserve|arrange) (a|an|the|my|our|some|one|another|for|in) ~2 @bookn", 1.2, 0},
		{"(book|schedule|reserve|arrange) (it|that|this|one|something|someone|somebody|time|service|visit|appointment|me|us|a time|a visit)", 1.2, 0},
		{"(send|give|email|text|get) (me|us) ~2 @quote", 1.5, icFirm},
		{"(can|could|may) (i|we) (get|have|request|book|schedule) ~2 (@quote|appointment|visit|someone|somebody|tech|technician|time|slot|install)", 1.4, icFirm},
		{"(get|request|need|like) (a|an|my|the|some|free)? (free)? @quote", 1.0, 0},
		{"@quote (for|on|to) (a|an|my|our|the|new|replacing|install|installing|replace|getting)", 0.6, 0},
		{"(set|line|lock) up (a|an|the|my|some)? (appointment|time|visit|consultation|install|installation|service|call|meeting|demo|estimate)", 1.4, 0},
		{"(make|get) (a|an) (appointment|reservation|booking)", 1.2, 0},
		{"(place|put) (a|an|my|the) order", 1.5, icFirm},
		{"(get|put|fit|squeeze|add) (me|us) (on|in|into|onto|to) (the|your)? (schedule|calendar|books|list|route)", 1.5, icFirm},
		{"(make|making|do|complete) (a|the)? (purchase|booking|reservation)", 1.0, 0},
		{"(=acquire|=obtain|=acquiring|=obtaining) (a|an|some|the|one|several|few|your|new|more)", 1.0, 0},
		{"(how|what) ~5 to (buy|purchase|order|book|schedule|acquire|obtain|sign up|=apply|enroll|get started|reserve|make a purchase|place an order|make an appointment|hire)", 1.2, icFirm},
		{"(can|could|would|will) (you|someone|somebody) (please)? (get|book|reserve|set up) (me|us) (a|an|some|the)", 1.3, icFirm},
		{"set (me|us) up (for|with)", 1.3, icFirm},
		{"(can|could|will|would) (you|someone|somebody|a tech|a technician|your tech|your guy|anyone) (please)? (look at|check|take a look at|come look at|fix|repair|service|inspect|check out|diagnose) (my|our|the|it|a)", 1.1, 0},
		{"(any|have|got|is there|are there) (any)? (=availability|=availabilities|=opening|=openings)", 1.0, 0},
		{"(order|buy|purchase) (me|us|a|an|some|the|one|it|them|your|new|several|few|more|two|three|this|that|those|these)", 1.0, 0},
		{"sign (me|us) up", 1.2, 0},
		{"(enroll|enrol|register) (me|us|in|for)", 1.0, 0},
		{"(=apply|=applying|application) (for|to)? ~2 (financing|finance|loan|credit|card|mortgage|plan|account|membership|program)", 1.4, icFirm},
		{"(open|start) (a|an|new|my)? ~2 (account|line of credit|policy)", 0.6, 0},
		{"@want to? (open|start) (up)? (a|an|new|my)? ~2 (account|line of credit|policy)", 1.1, 0},
		{"(get|take out|take) (a|an) (loan|mortgage|credit card|card|policy|line of credit)", 0.8, 0},
		{"(finance|financing) (it|this|that|a|an|the|my)", 0.6, 0},
		{"(rent|lease|hire) (a|an|the|me|us|your|someone|somebody)", 0.9, 0},
		{"hire (you|your)", 1.4, icFirm},
		{"go with (you|your)", 1.2, icFirm},
		{"(i|we) will take (it|one|that|the|them|those|this)", 1.5, icFirm},
		{"(let us|lets) (do it|go ahead|book|schedule|move forward|get started|get it done|get this done|set it up|sign|proceed)", 1.6, icFirm},
		{"ready to (go|book|schedule|move|start|get started|buy|sign|proceed|order|purchase|commit|hire)", 1.6, icFirm},
		{"(move|moving) forward", 1.2, 0},
		{"(count me in|sign me on|you are hired|you got the job|it is a deal|we have a deal)", 1.4, icFirm},
		// When can you come: asking for a time is asking to book.
		{"(when|what time|what day|how soon|how quickly|how fast) (can|could|would|will|is|are) (you|someone|somebody|anyone|a tech|a technician|your tech|your technician|your team|your crew|the tech|the technician|the crew|your guy|a plumber|an electrician|you guys) ~2 (come|get here|get out|be here|be out|be over|stop by|swing by|make it|send|start|fit me|fit us|schedule|see me|see us|install|fix|do it|come out)", 1.7, icFirm},
		{"(can|could|will|would) (you|someone|somebody|a tech|a technician|your tech|your guy|anyone) (come|stop|swing|get|be) (out|by|over|here|today|tomorrow|tonight|this|next|asap|as soon as possible|soon|early|in|on)", 1.4, icFirm},
		{"(can|could|will|would) (you|u) (send|get|have) (someone|somebody|a tech|a technician|a plumber|an electrician|out|a guy|a person|over)", 1.5, icFirm},
		{"(come|get|be) (out|over|here|by) (today|tomorrow|tonight|this|next|asap|as soon as possible|soon|right)", 1.2, icFirm},
		{"(send|need) (someone|somebody|a tech|a technician|a plumber|an electrician|a guy|someone out) (out|over|to|asap|today|tomorrow|tonight)?", 1.2, 0},
		{"@want (someone|somebody|a tech|a technician|a plumber|an electrician|a pro|a professional|a contractor) to (come|look|check|fix|install|replace|repair|quote|give|see|take)", 1.5, icFirm},
		{"(any|have|got|is there|are there) (availability|availabilities|opening|openings|slot|slots|time|times|room|spot|spots) (open|available|left)? (today|tomorrow|tonight|this|next|on|for|in|at|this week|monday|tuesday|wednesday|thursday|friday|saturday|sunday)", 1.4, icFirm},
		{"(are|is) (you|anyone|someone|a tech|a technician) (available|free|open) (today|tomorrow|tonight|this|next|on|at|for)", 1.1, icFirm},
		{"(next|earliest|soonest) (available|opening|appointment|slot)", 1.1, icFirm},
		{"(what|which) (times|days|dates|slots) (are|do you have|you have|do you) ~2 (available|free) (for|to|this|next|tomorrow|today)", 0.9, 0},
		{"(work|works|good) for (me|us) (on|at|this|next|tomorrow|today)?", 0.5, 0},
		{"(talk|speak|chat|connect|meet|call) (to|with) ~2 (sales|salesperson|sales rep|sales team|sales department|salesman)", 1.4, icFirm},
		{"sales (team|rep|representative|department|person|people|guy|call|contact|inquiry)", 1.0, 0},
		{"(interested in|interest in) (a|an|getting|buying|purchasing|your|the|new|having|installing|replacing|signing|financing|booking|scheduling)", 0.9, 0},
		{"(want|need|looking for) (a|an|some) (contractor|plumber|electrician|installer|company|pro|professional|technician|tech|quote|estimate|bid)", 1.0, 0},
		{"looking for (a|an|some)? (quote|estimate|price|contractor|plumber|electrician|installer|company|someone|somebody|pro|professional|technician|tech|new|replacement|bid)", 1.0, 0},
		{"looking to (get|buy|purchase|replace|install|upgrade|hire|have|book|schedule|finance|sign)", 1.0, 0},
		{"(need|want|like) (it|this|that|them|the job|the work) (done|fixed|installed|replaced|repaired|serviced|looked at)", 1.0, icPastOK},
		{"(how|where|what) (do|can|could|would|should) (i|we) (go about)? (book|schedule|buy|purchase|order|sign up|apply|get started|enroll|reserve|make an appointment|set up an appointment|hire|get a quote|get an estimate|get a loan|open)", 1.4, icFirm},
		{"(is|are) ~2 (it|there|they) ~2 possible to (book|schedule|buy|purchase|order|get|make)", 0.7, 0},
		{"(how|where) (to|can i|do i) (book|schedule|buy|purchase|order|sign up|apply|reserve|get a quote|get an estimate|make an appointment)", 1.2, icFirm},
		{"(book|booking|schedule|scheduling|buy|purchase|order|sign up|quote|estimate|appointment)", 0.35, 0},
		// What they want done, stated as a job.
		{"(replace|install|upgrade|put in) (my|our|the|a|an) ~3 (this|next|asap|as soon as possible|soon|before)", 0.7, 0},
		{"(need|want) (my|our|the) ~3 (fixed|replaced|repaired|installed|serviced|looked at|checked|cleaned|inspected|tuned up|done)", 1.1, icFirm},
	},
	icDefer: {
		{"(just|only) (looking|browsing|curious|wondering|asking|checking|shopping|researching|getting an idea|gathering)", 1.0, 0},
		{"not (yet|now|ready|right now|today|at this time|at the moment|this year)", 1.0, icNoNeg},
		{"(maybe|probably|perhaps) (later|next|in a|sometime|down the road|in the future)", 1.0, 0},
		{"(still|just) (deciding|thinking|comparing|considering|shopping around|looking around)", 1.0, 0},
		{"(shopping around|comparing prices|for future reference|down the road|some day|someday|eventually)", 0.8, 0},
		{"(do|did) not (want|need) (to|a|an|any|the|it)? (book|schedule|buy|purchase|order|appointment|quote|estimate|sign|commit|service)", 1.5, icNoNeg},
		{"(cancel|reschedule|move|change|push|postpone|delay) (my|our|the|an|this|that|it)", 1.0, 0},
	},
	icPriceFrame: {
		{"how much", 1, 0},
		{"(what|how) (is|are|would|will|does|do|did) ~3 (cost|costs|price|prices|pricing|rate|rates|charge|charges|fee|fees|run|be)", 1, 0},
		{"(cost|price|pricing|rate|charge|fee|ballpark|range|expensive|cheap|afford|budget) (of|for|to|on|range|wise|ballpark)?", 1, 0},
		{"what (do|would|will|does) (you|u|it|that|they|this) (charge|cost|run)", 1, 0},
	},
	icCapFrame: {

		{"(do|does|can|will|would) (you|u|your company|your team|y'all|you all|they|you guys) (guys)? (do|offer|provide|have|take|accept|give|charge|sell|carry|install|service|work|handle|fix|repair|allow|require|need|come|serve|book|schedule|ever)", 1, 0},
		{"(is|are) (there|it|you) ~2 (possible|able|available|open|offered|included|free|required)", 1, 0},
		{"(what|which) (kind|kinds|type|types|options|brands|services|payment|forms|methods|plans)", 1, 0},
		{"(do|does) (it|that|this|the|a|an) ~3 (come|include|need|require|have|cover)", 1, 0},
		{"(what|how) (is|are|does|do) (your|the) (process|policy|hours|schedule|availability|warranty|guarantee|turnaround|lead time)", 1, 0},
		{"how (long|far|soon|often|early|late|many)", 1, 0},
		{"(tell|show|explain) (me|us)? ~2 (about|how|what)", 1, 0},
	},
	icPolicyFrame: {
		{"(in|under) (what|which) (case|cases|situation|situations|circumstance|circumstances|condition|conditions)", 1, 0},
		{"(refund|return|returns|cancellation|money back|reimbursement|exchange|complaint|complaints) (policy|policies|guarantee|process|procedure|period|window|time)", 1, 0},
		{"(how|what) (long|many days|much time) ~4 (refund|refunds|reimbursement|money back)", 1, 0},
		{"(do|does|can|will|would) (you|your company|you guys) (give|offer|do|provide|have|issue) (a|any)? (refund|refunds|money back|reimbursement)", 1, 0},
		{"(is|are) (it|there|refunds|returns) ~2 (refundable|possible|allowed|available)", 1, 0},
	},
	icAskFrame: {
		{"(do|does|will|would|should|must) (i|we|you|one) (need|have|want|got) to (book|schedule|order|reserve|buy|purchase|make|get|sign|=apply|pay|be|call|set)", 1, 0},
		{"(is|are) (it|there|an|a) ~2 (necessary|required|mandatory|needed) to", 1, 0},
		{"(is|are) (it|there) (even)? (possible|a way|any way|an option) (to|for)", 1, 0},
		{"(are|is) (you|your company|your team) able to", 1, 0},
	},
	icIdentityFrame: {
		{"(are|r|is) (you|u|this|it|that) (a|an|really|actually|even|talking|texting)? ~3 (real|human|person|bot|robot|machine|computer|ai|automated|live|alive|people)", 1, 0},
		{"(am|are) (i|we) ~2 (talking|texting|chatting|speaking|messaging) (to|with) ~2 (real|human|person|bot|robot|machine|computer|ai|automated|live|someone|somebody)", 1, 0},
		{"(you|u) (sound|seem|look|act|write|talk|text) (like|so)? ~2 (real|human|person|bot|robot|machine)", 1, 0},
		{"how (do|can|would) (i|we) (know|tell) ~3 (real|human|person|bot|robot)", 1, 0},
		{"(who|what) (am i|are we|is this) ~2 (talking|texting|chatting|speaking)", 1, 0},
		{"(what|which|name|names|nickname) ~4 call (me|us)", 1, 0},
	},
	icHuman: {
		{"@talk (to|with) ~2 @person", 2.0, 0},
		{"(put|get|connect|forward|patch|send|pass|hand|switch|direct) ~3 (to|with) (a|an|the|your|some|one|real|live|actual|human|any)? (real|live|actual|human)? @person", 2.0, 0},
		{"(someone|somebody|anyone|anybody) (from|at|in|on) (your|the)? (customer|team|office|company|sales|support|staff|store|shop|business)", 1.4, 0},
		{"(an|a|the|real|live|human|insurance|nearby|local|closest|nearest) (agent|representative|operator)", 1.2, 0},
		{"@want to? (talk|speak|chat) (to|with) (customer service|customer support|customer care)", 1.0, 0},
		{"(connect|transfer|escalate|forward) (me|us|this|it)", 0.6, 0},
		{"escalat*", 0.9, 0},
		{"(real|live|actual|human) (person|human|people|agent|representative|being|operator|employee)", 1.6, 0},
		{"(person|human) (please|pls|now|asap)", 1.6, 0},
		{"(call|phone|ring|contact|text) (me|us) (back|asap|as soon as possible|now|at|when|whenever|tomorrow|today|tonight|later|this|in|on|before|after|if|so|to|about|regarding|please|instead|directly|anytime)", 1.7, 0},
		{"(please|can you|could you|would you|will you|someone|somebody|just|pls|to|need you to|want you to|i want you to) (call|phone|ring) (me|us) $", 1.7, 0},
		{"(give|gimme) (me|us) (a|a quick) (call|ring|buzz)", 1.8, 0},
		{"(can|could|would|will|please|have|need|want) (someone|somebody|a person|a human|a rep|a representative|you|anyone|your manager|the owner|the manager) ~2 (call|contact|reach|ring|phone|get back|get in touch|text|reach out) (me|us|back|to me|to us|with me)", 1.7, 0},
		{"(someone|somebody|a person|a human|a real person) (to)? (call|contact|reach out|get back|get in touch|talk|speak)", 1.5, 0},
		{"(talk|speak|chat) (to|with) ~2 (you|someone|somebody) (directly|in person|on the phone|over the phone|by phone)", 1.2, 0},
		{"(find|reach|contact|get ahold of|get a hold of|get in touch with|get hold of|locate|see) (a|an|the|your|my|some)? ~3 (agent|representative|person|human|manager|advisor|adviser|supervisor|owner|operator|live agent|real person|someone|somebody|assistant)", 1.3, 0},
		{"(not|no) (want|like|wish)? (to)? (talk|speak|chat|deal|text|deal with|talking|speaking|chatting)? (to|with)? (a|an|the|this|some)? (bot|robot|machine|computer|automated|ai|chatbot|chat bot|automation|program|auto reply|autoreply|recording)", 1.6, icNoNeg},
		{"(stop|quit|enough) (the|this|with the)? (bot|robot|automated|ai|chatbot)", 1.3, 0},
		{"(you are|this is) (useless|not helping|no help|not helpful|a bot|a robot|a machine)", 0.6, 0},
		{"(can|could) i (speak|talk|get|have) (to|with)? (a|an|someone|somebody|the|your)? @person", 1.8, 0},
		{"(talk|speak|chat) (to|with) (someone in charge|the person in charge|a specialist|the office|your office)", 1.3, 0},
		{"(talk|speak|chat) (to|with) (customer service|customer support|customer care|support|your support)", 0.6, 0},
		{"(contact|reach|call) ~2 (customer service|customer support|customer care|support team)", 0.5, 0},
		{"(who|anyone|someone|somebody) (can|could) i (talk|speak|chat) (to|with)", 1.4, 0},
		{"(need|want|like|prefer) (a|an|to have a|to get a)? (real|live|actual)? (person|human|representative|agent|operator|manager|supervisor|someone|somebody) (to|please|instead|now|asap)?", 1.4, 0},
		{"(human|person|representative|operator|agent|manager|supervisor) (instead|please|now|asap|immediately)", 1.4, 0},
		{"(is there|are there|do you have) (a|an|any)? @person ~3 (i|we) (can|could) (talk|speak|chat|call)", 1.6, 0},
		{"(is there|are there|can i get) (a|an|any)? (real|live|actual)? (person|human|people|representative|agent|operator|one) (there|i can|to talk|available|around|working)", 1.4, 0},
	},
	icComplaint: {
		{"(complain|complaint|complaints|complained|complaining|grievance|reclamation)", 1.6, 0},
		{"(file|lodge|make|submit|register|raise|open|issue|put in) (a|an|my|the)? (formal|official)? (complaint|grievance|reclamation|dispute)", 1.2, 0},
		{"claim against", 1.2, 0},
		{"(consumer|customer) (claim|complaint|reclamation)", 1.4, 0},
		{"(experience|service|work|job|visit|install|installation|repair) (with|from|by)? ~3 (was|has been|is|were) (too|very|so|really|pretty|extremely)? (bad|terrible|horrible|awful|poor|disappointing|lousy|unacceptable|subpar|a joke|a disaster)", 1.4, 0},
		{"(charge|charges|purchase|purchases|transaction|transactions|payment|debit|bill) ~5 (i|we) (definitely|never)? (did not|do not|never|have not) (make|made|recogni*|authori*|approve|order|intend|buy|bought|agree)", 1.3, icNoNeg},
		{"(bill|invoice|charge|statement|amount|price|total) ~3 (is not|was not|not|does not look|does not seem|is) (correct|right|accurate|wrong|off|incorrect)", 1.2, icNoNeg},
		{"against (you|your|this) (company|business|firm|team|store)?", 0.6, 0},
		{"(dispute|disputing|disputed|chargeback|charge back)", 1.4, 0},
		{"(want|need|demand|expect|deserve|give|requesting|request) (a|my|the|me my|back my|full|me a)? (full)? (refund|money back|reimbursement|compensation)", 1.4, 0},
		{"(refund|reimburse|compensate) (me|us|my)", 1.3, 0},
		{"(nobody|no one|noone|nobody ever|no one ever) (showed|show|came|come|called|call|answered|answer|got back|get back|responded|respond|returned|contacted|arrived|turned up|bothered)", 1.8, icNoNeg},
		{"@tech ~2 (never|not|still not|still have not|still has not|has not|have not|did not|does not|do not|was not|were not|is not|are not|will not|would not|can not) ~1 (showed|show|came|come|called|call|answered|answer|arrived|arrive|turned up|got back|get back|responded|respond|returned|return|fixed|fix|finished|finish|bothered|listen|listened|care|cared|clean|cleaned)", 1.4, icNoNeg},
		{"(never|not) (heard back|heard from|got a call back|received a call|got a callback)", 1.2, icNoNeg},
		{"(still|never) (not)? (fixed|resolved|repaired|finished|done|working|right)", 1.0, icNoNeg},
		{"(still|again) (not|isn't|is not|does not|doesn't|won't|will not)? ~2 (working|broken|leaking|leak|running|heating|cooling|clogged|backing up|dripping|the same|happening|an issue|a problem|no heat|no ac|no hot water|not fixed|out|dead)", 1.3, 0},
		{"(same|this) (problem|issue|thing) (again|still|is back|came back|keeps)", 1.3, 0},
		{"(stopped|quit|broke|failed|died|broken|leaking|not working) (again|already|right after|a week after|a day after|the day after|after you|since you|after your)", 1.5, icNoNeg},
		{"(you|your|the) ~2 (tech|technician|guy|plumber|electrician|installer|crew|team|worker|workers|repairman|people|company) ~3 (broke|damaged|ruined|messed|screwed|scratched|stained|flooded|cracked|left a mess|was rude|were rude|lied|overcharged|did a terrible|did a horrible|did a bad|did a poor|made it worse|never|did not|didn't|no show|ghosted|cut corners|tracked mud)", 1.6, icNoNeg},
		{"@you ~2 (broke|damaged|ruined|messed up|screwed up|scratched|flooded|overcharged|ripped|scammed|cheated|lied|made it worse|charged me|double charged|billed me twice|charged me twice|charge me twice)", 1.6, icNoNeg},
		{"(charged|billed|charging|billing) (me|us)? (twice|double|two times|too much|way too much|wrong|incorrectly|for work|for something) (that|which|you|i|we)?", 1.4, 0},
		{"(charged|billed|charging|billing) (me|us)? (extra|more than|an extra)", 0.7, 0},
		{"(overcharg*|rip off|ripoff|ripped off|scam|scammed|scammer|scammers|con artist|crook|crooks|cheated|swindle*)", 1.6, 0},
		{"(fraud|fraudulent|thief|thieves|stole|stealing|cheat)", 0.4, 0},
		{"(wrong|incorrect|unauthori*|bogus|double|hidden|surprise) (charge|charges|fee|fees|bill|billing|amount|invoice|payment|transaction|debit)", 1.1, 0},
		{"(mystery|unknown|strange|unexpected|duplicate|extra|weird|random) (charge|charges|fee|fees|bill|amount|invoice|payment|transaction|debit)", 0.6, 0},
		{"(billing|invoice|bill|charge) (issue|problem|error|mistake|dispute|discrepancy)", 1.3, 0},
		{"(did not|do not|never|not) (recogni*|authori*|approve|make|made|order|ordered|agree to|agreed to|sign up for) ~3 (charge|charges|purchase|purchases|transaction|transactions|payment|payments|debit)", 1.2, icNoNeg},
		{"(been|still|was|were|are|am|is|kept|keep) waiting* ~3 (hours|days|weeks|all day|forever|since|for ages|too long|way too long|for someone|for somebody|for the tech|for your|for a call|for a response)", 1.4, 0},
		{"=waited ~3 (hours|days|weeks|all day|forever|for nothing|for no one|for nobody)", 1.4, 0},
		{"(you|he|she|they|tech|technician|someone|somebody|guy|crew|team|it|this|that|plumber|electrician|installer|appointment|repair|install) (was|were|are|is) supposed to (come|be|show|call|fix|finish|arrive|get back|send|start|install|work|last)", 1.4, 0},
		{"(no show|stood me up|stood us up|ghosted|ghosting|blew me off|blew us off|never showed)", 1.6, icNoNeg},
		{"(unacceptable|ridiculous|outrageous|disgraceful|disgrace|disgusting|pathetic|incompetent|incompetence|unprofessional|appalling|shameful|inexcusable|absurd|laughable|horrendous|atrocious)", 1.1, 0},
		{"(terrible|horrible|awful|worst|lousy|shoddy|sloppy|crappy|poor|bad|subpar|mediocre|unreliable|rude|careless|dishonest|shady|sketchy) (service|job|work|workmanship|experience|quality|customer service|communication|company|business|technician|tech|install|installation|repair|attitude|response|support|people|staff)", 1.5, 0},
		{"(worst|terrible|horrible|awful|useless)", 0.6, 0},
		{"(this|that|it|you|your company|your service|your team|the service|the work|the job) (is|are|was|were) (bullshit|crap|shit|a joke|garbage|trash|useless|worthless|a nightmare|a disaster|a mess|the worst|terrible|horrible|awful|unacceptable|a scam)", 1.3, 0},
		{"(disappointed|disappointing|disappointment|upset|angry|furious|livid|pissed|irate|outraged|fed up|sick of|tired of|frustrated|frustrating|annoyed|infuriated|infuriating|mad at|unhappy|dissatisfied|unsatisfied|displeased|aggravated|irritated)", 1.1, 0},
		{"not (happy|satisfied|=pleased|impressed|acceptable|fair|what i paid for|what i asked for|what we agreed|as promised|as described)", 1.1, icNoNeg},
		{"(bad|negative|one star|1 star|poor) (review|rating|feedback|yelp|google review)", 1.4, 0},
		{"(report|reporting|reported) (you|this|your company|your business|them) ~2 (to)?", 1.2, 0},
		{"(bbb|better business bureau|attorney general|consumer protection|small claims)", 1.6, 0},
		{"(call|contact|get|hire|talk to|speak to|speak with|hear from|calling|contacting|getting) (my|a|an)? (lawyer|attorney|attorneys|lawyers)", 1.4, 0},
		{"(will|going to|gonna|i am|we are|can|could|planning to|thinking of|about to) (sue|suing)", 1.4, 0},
		{"sue (you|your|the company|them|this company)", 1.4, 0},
		{"(lawsuit|legal action|take you to court|see you in court|small claims)", 1.4, 0},
		{"(problem|issue|issues|problems|trouble) (with|about) (my|the|your|our|this)? (bill|invoice|charge|charges|billing|service|install|installation|repair|technician|tech|work|job|crew|experience|workmanship|quality)", 1.0, 0},
		{"(you|your company|your tech|your guy|they|he|she) (said|promised|told me|told us|assured) ~6 (but|never|still|yet)", 0.9, 0},
		{"(waste|wasted|wasting) (of)? (my|our)? (time|money)", 1.3, 0},
		{"(you|they|he|she|nobody|no one|your company|your team|your office|your tech|the tech|the technician|y'all|you guys) (do|did|does|do not|never) (not)? (care|listen|respond|answer|return|call back|keep|bother|show)", 0.9, icNoNeg},
		{"(how dare|shame on|what the hell|what the fuck|are you kidding|you have got to be kidding|you are kidding)", 1.1, 0},
		{"(fuck*|shit*|bullshit|crap|crappy|damn|dammit|goddamn*|screw you|piss*|bastard*|asshole*|bitch*|ass|wtf|bs|sucks|suck|suck*)", 0.6, 0},
		{"(fuck you|screw you|go to hell|f you|f off|piss off|you suck|you guys suck|this sucks|you people)", 1.2, 0},
		{"(cancel|cancelling|canceling|terminate|end) (my|our|the)? (contract|membership|service|account|subscription|plan) (because|since|due|after)", 0.8, 0},
		{"(damage|damaged|broke|broken|ruined|scratched|stained|flooded|dented|cracked) (my|our) ~3 (floor|floors|wall|walls|carpet|ceiling|door|yard|lawn|driveway|cabinet|cabinets|furniture|property|house|home|car|countertop|counter)", 1.0, 0},
	},
	icFAQ: {
		{"how much", 1.2, 0},
		{"(what|how) (is|are|would|will|does|do) ~3 (cost|costs|price|prices|pricing|rate|rates|charge|fee|fees|run)", 1.2, 0},
		{"(cost|costs|price|prices|pricing|rate|rates|fee|fees|charge|charges|estimate|estimates|quote|quotes|discount|discounts|coupon|coupons|promo|promotion|promotions|special|specials|deal|deals|rebate|rebates|financing|finance|payment|payments|pay|credit|warranty|warranties|guarantee|guaranteed|insured|insurance|licensed|license|certified|bonded|permit|permits|policy|policies|hours|open|close|closed|weekend|weekends|holiday|holidays|area|areas|location|locations|located|address|branch|branches|office|brand|brands|model|models|service area|serve|emergency|same day|minimum|included|include|includes|options|option|plans|membership|refund policy|cancellation|deposit|down payment|interest|apr|limit|limits|fees|age|requirement|requirements|eligible|eligibility|accept|available|availability|deliver|delivery|shipping|ship|turnaround|lead time|experience|reviews|rating|years)", 0.55, 0},
		{"(do|does|can|will|would) (you|u|your company|your team|y'all|you all|you guys|they) (guys)? (do|offer|provide|have|take|accept|give|charge|sell|carry|install|service|work|handle|fix|repair|allow|require|come|serve|ever|cover|include|support|deal|also)", 0.8, 0},
		{"(is|are) there (a|an|any)", 0.6, 0},
		{"(what|which) (kind|kinds|type|types|options|brands|services|payment|forms|methods|plans|areas|towns|cities|days|hours|times)", 0.8, 0},
		{"(when|what time|what days|what hours) (are|is|do|does) (you|your|the|they) ~2 (open|close|closed|available|work|operate|start|hours)", 1.0, 0},
		{"(what|where|when|how) (are|is) (your|the) ~2 (hours|hour|address|location|office|policy|process|warranty|guarantee|rates|prices|pricing|fees|area|service area|number|phone|email|website|availability|options|requirements|schedule|turnaround|lead time|limits|limit)", 1.0, 0},
		{"how (long|soon|often|far|early|late|many|old|quickly|fast) (does|do|is|are|will|would|can|should|until|before|take|til)", 0.9, 0},
		{"(how|where|what) (do|does|can|could|should|would) (i|we|one|you) (pay|contact|reach|find|get in touch|cancel|change|check|see|use|know|tell|qualify|get|apply|set|sign|open|order|send|receive|deposit|withdraw|find out|learn)", 0.6, 0},
		{"(tell|show|explain|give) (me|us)? ~2 (about|how|what|information|details|info|more)", 0.8, 0},
		{"(information|info|details|more) (on|about|regarding|for)", 0.8, 0},
		{"(i have|got|quick|i had) (a|one|some)? (question|questions)", 0.8, 0},
		{"(wondering|curious|wonder) (if|whether|about|how|what|when|why|where)", 0.8, 0},
		{"(difference|differences) between", 0.9, 0},
		{"(do|does|will|would|should|must|can) (i|we) (need|have|want|got) to", 0.8, 0},
		{"what ~4 (costs|runs|goes for|would run|would cost|will cost|will run)", 0.8, 0},
		{"(can|could|may) (i|we) (pay|use|get|have|bring|cancel|change|return|choose|pick|finance|combine)", 0.5, 0},
		{"(is|are|does|do) (it|that|this|they|these|those) (come|include|cover|need|require|take|work|cost|free|available|safe|worth|covered|included|required|necessary|possible)", 0.6, 0},
		{"(what|which) (is|are) (the|your|a)? (best|difference|minimum|maximum|limit|limits|requirement|requirements|process|steps|fee|fees|charge|charges|rate|rates|policy|options)", 0.7, 0},
	},
	icOther: {
		{"(my|our) (account|password|pin|card|order|package|parcel|delivery|shipment|statement|balance|invoice|profile|address|email|username|login|subscription|transfer|payment|claim|policy|bill|refund|transaction|details|information|info|number|phone number|credit score|routing|direct deposit|app|information)", 0.5, 0},
		{"(reset|change|update|edit|modify|recover|unlock|freeze|unfreeze|block|unblock|activate|deactivate|delete|remove|close|verify|track|check|find|retrieve|switch|link|add|transfer|move|set up|see|view|download|report) ~2 (my|our|an|the|a) ~3 (account|password|pin|card|order|package|delivery|shipment|statement|balance|invoice|profile|address|email|username|login|subscription|transfer|payment|claim|bill|refund|transaction|details|information|number|app|beneficiary|dependent)", 0.9, 0},
		{"(hi|hello|hey|howdy|greetings|good morning|good afternoon|good evening|thanks|thank you|thank|bye|goodbye|ok|okay|cool|lol|haha)", 0.4, 0},
		{"(how are you|what is your name|who are you|who made you|who built you|are you a bot|are you human|are you real|tell me a joke|what can you do|how old are you|where are you from|do you have feelings|what are you|what is up|sup)", 1.2, 0},
		{"(who is the|who was|who won|who invented|define|definition of|meaning of|translate|calculate|convert|spell|what time is it|what day is it|what is today|weather|temperature outside|forecast|set a|set an|remind me|reminder|alarm|timer|=play|music|song|recipe|joke|trivia|=news|=score|flip a coin|roll a dice|calendar|my calendar|shopping list|to do list|todo list)", 0.5, 0},
	},
}

// icHumanWords are the words that, alone or with only filler around
// them, ask for a person: "agent", "human please", "REPRESENTATIVE".
var icHumanWords = wordSet(`agent agents human humans representative representatives rep reps operator person people
	someone somebody manager supervisor owner staff employee live real actual boss customer service support callback`)

// icFiller may surround a lone request word without changing it.
var icFiller = wordSet(`a an the please pls now asap i want need get give me can could speak talk to with just
	real live actual hello hi hey yo ok okay your you some one any immediately right away uh um hmm
	let call us my human being service customer`)

// icAffirmWords answer yes to an offer; icDeclineWords say no.
var icAffirmWords = wordSet(`yes yeah yep yup yea ya sure okay ok alright absolutely definitely certainly please
	sounds good great perfect fine do it go ahead that works for me would love to like y si correct deal lets let
	us please book it sign up i am in count me totally love that be awesome exactly`)

var icDeclineWords = wordSet(`no nope nah not now later maybe thanks thank you never mind nvm pass good i am im`)

// icOfferBooking marks our question as an offer to book or quote;
// icOfferPerson as an offer to put the lead in touch with a person.
var icOfferBooking = []string{
	"book", "schedul", "appointment", "set you up", "set up a", "estimat", "quote", "come out", "send someone",
	"send a tech", "visit", "get you on", "get you in", "get you started", "sign you up", "reserve", "install",
	"consultation", "pencil you", "put you down", "on the calendar", "time slot", "availability", "financing application",
	"apply", "move forward", "proceed", "go ahead", "technician",
}

var icOfferPerson = []string{
	"call you", "give you a call", "reach out", "someone contact", "someone from", "talk to", "speak with",
	"speak to", "connect you", "person", "representative", "rep ", "a human", "team member", "get in touch",
	"follow up",
}

// icSentimentWords rate words from -1 (angry) to 1 (delighted). Negation
// flips and halves them ("not great" is mildly negative).
var icSentimentWords = map[string]float64{
	"love": 0.8, "loved": 0.8, "great": 0.6, "awesome": 0.8, "amazing": 0.8, "excellent": 0.8, "fantastic": 0.8,
	"wonderful": 0.8, "perfect": 0.7, "good": 0.4, "nice": 0.4, "happy": 0.6, "glad": 0.5, "thanks": 0.3,
	"thank": 0.3, "appreciate": 0.5, "appreciated": 0.5, "helpful": 0.5, "best": 0.5, "recommend": 0.5,
	"pleased": 0.6, "satisfied": 0.5, "quick": 0.3, "friendly": 0.5, "professional": 0.4, "reliable": 0.4,
	"excited": 0.6, "cool": 0.3, "fine": 0.1, "beautiful": 0.6, "impressed": 0.6, "polite": 0.4, "super": 0.4,
	"brilliant": 0.8, "outstanding": 0.8, "superb": 0.8, "lovely": 0.6, "grateful": 0.6, "thrilled": 0.8,
	"please": 0.05, "interested": 0.3, "ready": 0.2, "yay": 0.6, "wow": 0.3,

	"bad": -0.5, "terrible": -0.9, "horrible": -0.9, "awful": -0.9, "worst": -1, "hate": -0.9, "hated": -0.9,
	"angry": -0.9, "furious": -1, "livid": -1, "mad": -0.7, "upset": -0.7, "annoyed": -0.6, "frustrated": -0.7,
	"frustrating": -0.7, "disappointed": -0.7, "disappointing": -0.7, "unhappy": -0.7, "dissatisfied": -0.7,
	"unacceptable": -0.9, "ridiculous": -0.8, "pathetic": -0.9, "useless": -0.8, "incompetent": -0.9,
	"unprofessional": -0.8, "rude": -0.8, "poor": -0.5, "lousy": -0.7, "disgusting": -0.9, "disgraceful": -0.9,
	"outrageous": -0.9, "scam": -0.9, "scammed": -0.9, "fraud": -0.3, "ripped": -0.6, "overcharged": -0.7,
	"liar": -0.9, "lied": -0.8, "lying": -0.7, "broken": -0.3, "broke": -0.3, "leaking": -0.2, "problem": -0.2,
	"issue": -0.2, "wrong": -0.4, "late": -0.3, "never": -0.2, "nobody": -0.3, "waste": -0.7, "wasted": -0.7,
	"sucks": -0.8, "suck": -0.7, "fuck": -0.9, "fucking": -0.8, "fucked": -0.9, "shit": -0.8, "shitty": -0.9,
	"crap": -0.7, "crappy": -0.8, "damn": -0.5, "bullshit": -0.9, "wtf": -0.8, "hell": -0.4, "sick": -0.4,
	"tired": -0.3, "fed": -0.3, "unreliable": -0.7, "sloppy": -0.7, "shoddy": -0.8, "garbage": -0.8,
	"trash": -0.7, "joke": -0.2, "nightmare": -0.8, "disaster": -0.8, "complaint": -0.5, "complain": -0.5,
	"refund": -0.3, "dispute": -0.4, "sorry": -0.1, "unfortunately": -0.3, "annoying": -0.6, "stupid": -0.8,
	"idiot": -0.9, "idiots": -0.9, "dumb": -0.7, "worried": -0.4, "scared": -0.4, "freezing": -0.2,
	"emergency": -0.2, "urgent": -0.1, "hurry": -0.1, "cold": -0.1, "hot": -0.05, "stuck": -0.3,
	"flooded": -0.4, "flooding": -0.4, "damage": -0.4, "damaged": -0.5, "ruined": -0.7, "lost": -0.3,
	"stolen": -0.5, "declined": -0.3, "charged": -0.1, "twice": -0.1, "cheated": -0.8, "irritated": -0.6,
	"unhelpful": -0.7,
}

// icIntensifiers strengthen the sentiment word after them.
var icIntensifiers = wordSet(`very really so extremely super totally absolutely completely utterly too incredibly
	beyond truly highly seriously`)

// icNegators turn the phrase after them around, within three words.
var icNegators = wordSet(`not no never neither nor without hardly barely`)

// icNotNegating follow a negator without making it negate what comes
// next: "not sure how to book" still asks how to book.
var icNotNegating = wordSet(`sure know idea only certain clear understand just problem worry worries issue kidding
	doubt wait`)
