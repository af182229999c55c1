package knowledge

import (
	"strings"
	"unicode"
)

// The lexicon: groups of general-English words and phrases that ask for
// the same thing. Leads ask in their own words ("where does it come
// from?", "how much is it?", "can kids…") and the knowledge says it in
// its own ("source", "price", "children"); neither full-text search nor a
// hashed embedding knows they meet. When a question has a word or phrase
// of a group, search also looks for the group's other words, with less
// weight than the lead's own (expansionWeight).
//
// The groups are hand-written from ordinary English usage, for the
// questions customers ask businesses: money, time, places, people,
// accounts, health and safety, homes and their systems, travel. They
// are deliberately general: a business's own jargon belongs in its
// knowledge, not here. A group should hold words a lead could use for one
// another; words that are merely related ("doctor" and "hospital") stay
// apart. Multi-word members are matched as phrases; one that has a
// stopword in it ("how much", "come from") is only matched, never added.
const lexiconText = `
cost, costs, price, pricing, priced, fee, charge, expensive, cheap, afford, affordable, ballpark, how much
pay, payment, paying, billing, bill, invoice
american express, amex
refund, reimburse, reimbursement, money back, repay
discount, coupon, promotion, promo, special offer
free, complimentary, no charge, free of charge
financing, finance, loan, credit, installments, monthly payments, payment plan
cancel, cancellation, terminate, termination, unsubscribe, opt out
delete, remove, erase, get rid of, deactivate
change, modify, edit, update, alter, adjust
create, set up, setup, register, sign up, signup, open an account, join
log in, login, sign in, signin, log on
log out, logout, sign out, signout
password, passcode, passphrase
forgot, forgotten, lost, reset
account, profile
buy, purchase, place an order
hours, are you open, opening hours, business hours, closing time, opening times
location, address, located, directions, where are you
contact, reach, get in touch, call, phone, ring
appointment, booking, book, schedule, reservation, reserve, slot
wait, waiting, delay, delayed, how long, take long
fast, quick, quickly, rapid, soon, speed, promptly
start, begin, commence, initiate, launch
stop, halt, end, finish, quit, cease
fix, repair, mend, troubleshoot, resolve, solve, sort out
broken, not working, faulty, malfunction, defective, damaged, fails, failure
problem, issue, trouble, fault, error, bug, glitch
help, assist, assistance, support, aid
guarantee, warranty, guaranteed
risk, risky, danger, dangerous, hazard, hazardous, vulnerable, susceptible, threat, at risk, unsafe, harmful
safe, safety, secure, security, protected
protect, protection, prevent, prevention, avoid, precaution, precautions, safeguard, defend, keep safe
source, origin, originate, come from, comes from, came from, where from, stem from, arise, derive
cause, causes, reason, reasons, due to, result from, lead to, trigger
spread, transmit, transmission, transmitted, transmissible, contagious, pass on, passed on, pass to, passed to, pass from, passed from, transfer
infect, infection, infected, infectious, catch, get sick, become sick, fall ill, come down with
sick, ill, illness, disease, unwell, sickness, ailment
symptom, symptoms, indication, indications, manifestation, signs of, sign of, warning signs
cure, treatment, treat, treated, remedy, therapy, medicine, medication, drug, heal
vaccine, vaccination, vaccinate, immunization, immunisation, inoculation, shot, jab
test, testing, tested, check, checked, screening, examine, examination, diagnose, diagnosis, detect
doctor, physician, clinician, gp, medic
hospital, clinic, infirmary, emergency room, medical center, medical centre
nurse, caregiver, carer
child, children, kid, kids, youngster, youngsters, minor, minors, son, daughter, boy, girl
baby, babies, infant, infants, newborn, newborns, toddler
parent, parents, mother, father, mom, dad, mum
pregnant, pregnancy, expecting a baby, expectant, womb, fetus, foetus, unborn
elderly, senior, seniors, older people, older adults, aged, old people, pensioner
home, house, household, residence, apartment, dwelling
family, relative, relatives, family member, household member
neighbor, neighbors, neighbour, neighbours, neighborhood, neighbourhood, community, nearby, local
job, work, workplace, employment, office
employer, company, business, firm, organization, organisation
employee, employees, staff, worker, workers, personnel, colleague, colleagues, coworker, coworkers
school, schools, college, university, campus, classroom
student, students, pupil, pupils, learner
teacher, teachers, instructor, tutor
travel, traveling, travelling, trip, journey, tourism, tourist, traveler, traveller
flight, flights, fly, flying, plane, airplane, aeroplane, aircraft, airline, air travel
car, vehicle, auto, automobile
train, rail, railway, subway, metro, tram
abroad, overseas, foreign, international, another country
enter, entry, arrive, arrival, arriving, come into, admission, admitted
leave, exit, depart, departure, departing
survive, survival, live on, stay alive, persist, remain, last
die, died, death, deaths, dead, deceased, corpse, passed away, fatal, fatality, mortality, lethal, kill, killed
funeral, burial, cremation, memorial, wake
clean, cleaning, disinfect, disinfectant, disinfection, sanitize, sanitise, sanitizer, sanitiser, sterilize, wash, washing
mask, masks, face mask, face covering, respirator
weather, climate, temperature, temperatures, season, seasons
hot, warm, heat, summer, humid
cold, cool, winter, freezing, chilly
food, meal, meals, eat, eating, diet, groceries
animal, animals, pet, pets, dog, dogs, cat, cats, livestock, wildlife
name, named, naming, called, title
number, numbers, count, how many, statistics, figures, total, amount
increase, rise, grow, growth, higher
decrease, reduce, reduction, decline, drop, lower, fewer, slow down
new, novel, recent, latest, newest
again, twice, second time, repeat, repeated, recur, recurrence, reinfection, once more
recover, recovery, recovered, heal, healed, get better, recuperate
immune, immunity, resistant, resistance, antibodies
duration, how long, period, length, last, lasts
quarantine, isolation, isolate, self isolate, stay home, lockdown, confinement
outbreak, epidemic, pandemic
event, events, gathering, gatherings, crowd, crowds, meeting, party, concert
allowed, permitted, permission, authorized, authorised, legal, allow, permit
forbidden, banned, prohibited, not allowed, illegal, restricted, restriction, restrictions
rule, rules, regulation, regulations, policy, policies, requirement, requirements, guideline, guidelines, law, laws
necessary, required, require, mandatory, obligatory, compulsory, have to, need to
prepare, preparation, prepared, ready, get ready, plan, planning
worry, worried, concern, concerned, afraid, fear, scared, anxious, anxiety, wary, nervous
advice, advise, recommend, recommendation, recommendations, suggest, suggestion, tip, tips, guidance
salary, wage, wages, income, paycheck, pay check, earnings, compensation, paid
insurance, insured, coverage, covered, insurer
shop, store, shopping, supermarket, retailer
deliver, delivery, ship, shipping, shipment, dispatch, send out
email, emails, mail, inbox, gmail
message, messages, text, texts, sms, chat
notification, notifications, notify, alert, alerts, reminder, reminders
photo, photos, picture, pictures, image, images, pic, pics, photograph
video, videos, clip, clips, movie, film
file, files, document, documents, attachment, attachments
upload, uploading, attach
download, downloading, export
share, sharing, forward, repost
friend, friends, connection, connections, follower, followers
private, privacy, hidden, hide, confidential, visible, visibility
block, blocking, ban, mute, ignore
search, find, look up, lookup, locate
website, site, webpage, web page, web site, homepage
app, apps, application, software, program
computer, pc, laptop, desktop
phone, mobile, cellphone, cell phone, smartphone, iphone, android
install, installation, installing, set up, put in
heating, heater, furnace, boiler, heat pump
cooling, air conditioning, air conditioner, ac, aircon
leak, leaking, leaks, drip, dripping
noise, noisy, loud, sound, rattle, rattling, banging
smell, smells, odor, odour, stink, stinks
emergency, emergencies, urgent, asap, right away, immediately
technician, technicians, tech, techs, engineer, repairman, plumber, electrician, contractor, installer
estimate, quote, quotation, assessment
weekend, weekends, saturday, sunday
night, evening, after hours, overnight, late
licensed, license, licence, certified, qualified, accredited
complain, complaint, complaints, unhappy, dissatisfied, disappointed
area, areas, region, regions, zone, territory, service area
size, sizes, sizing, dimensions, capacity
gallon, gallons, gal
replace, replacement, replacing, swap, upgrade
maintenance, maintain, servicing, tune up, tune-up, checkup, inspection
energy, power, electricity, efficiency, efficient
sewer, sewers, sewage, sewerage, wastewater, drain, drains, drainage
water, tap water, drinking water
difference, different, differ, distinguish, versus, vs, compare, comparison
age, how old, years old, minimum age
hack, hacked, compromised, stolen, breach
spam, junk, unwanted
scam, fraud, fraudulent, fake, phishing
language, languages, translate, translation
effective, effectiveness, useful, helpful
serious, severe, severity, grave, critical
mild, slight
likely, likelihood, probability, chance, chances, odds
touch, touching, handle, handling
surface, surfaces, object, objects, item, items
hand, hands, handwashing, hand washing
`

// lexiconGroup is one group of the lexicon.
type lexiconGroup struct {
	// add are the words added to a question that matches the group.
	add []string
}

// lexiconEntry is one member as matched: the stems of its words in
// order, and its group.
type lexiconEntry struct {
	stems []string
	group int
}

var lexicon = parseLexicon(lexiconText)

type lexiconIndex struct {
	groups []lexiconGroup
	// byFirst maps the stem of an entry's first word to the entries.
	byFirst map[string][]lexiconEntry
}

func parseLexicon(text string) lexiconIndex {
	idx := lexiconIndex{byFirst: map[string][]lexiconEntry{}}
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		g := len(idx.groups)
		var grp lexiconGroup
		seenAdd := map[string]bool{}
		for member := range strings.SplitSeq(line, ",") {
			ws := words(member)
			if len(ws) == 0 {
				continue
			}
			stems := make([]string, len(ws))
			content := true
			for i, w := range ws {
				stems[i] = stem(w)
				if isStopword(w) {
					content = false
				}
			}
			idx.byFirst[stems[0]] = append(idx.byFirst[stems[0]], lexiconEntry{stems: stems, group: g})
			if !content {
				continue
			}
			for _, w := range ws {
				if !seenAdd[w] {
					seenAdd[w] = true
					grp.add = append(grp.add, w)
				}
			}
		}
		idx.groups = append(idx.groups, grp)
	}
	return idx
}

// expandWords returns the words the lexicon adds to a question of ws
// (lower case, stopwords included, as words() returns them): the words of
// every group that one of its members matches, in group order, each once.
// The question's own words come back too; the caller drops them.
func expandWords(ws []string) []string {
	stems := make([]string, len(ws))
	for i, w := range ws {
		stems[i] = stem(w)
	}
	matched := map[int]bool{}
	var order []int
	for i, s := range stems {
		for _, e := range lexicon.byFirst[s] {
			if matched[e.group] || i+len(e.stems) > len(stems) {
				continue
			}
			ok := true
			for j := 1; j < len(e.stems); j++ {
				if stems[i+j] != e.stems[j] {
					ok = false
					break
				}
			}
			if ok {
				matched[e.group] = true
				order = append(order, e.group)
			}
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, g := range order {
		for _, w := range lexicon.groups[g].add {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out
}

// acronyms are upper-case abbreviations that lower case would turn into
// other words ("US" into the pronoun "us", a stopword), so they are read
// before words() folds case, and spelled out.
var acronyms = map[string]string{
	"US": "United States", "U.S": "United States", "USA": "United States", "U.S.A": "United States",
	"UK": "United Kingdom", "U.K": "United Kingdom",
	"EU": "European Union", "E.U": "European Union",
}

// spellAcronyms replaces the acronyms of a question with what they stand
// for. A question in capitals throughout ("CAN US KIDS COME") is left as
// it is: there "US" may be the pronoun.
func spellAcronyms(question string) string {
	if !strings.ContainsFunc(question, unicode.IsLower) {
		return question
	}
	var b strings.Builder
	changed := false
	start := -1
	flush := func(end int) {
		tok := question[start:end]
		if full, ok := acronyms[strings.TrimSuffix(tok, ".")]; ok {
			b.WriteString(full)
			changed = true
		} else {
			b.WriteString(tok)
		}
		start = -1
	}
	for i, r := range question {
		inToken := unicode.IsLetter(r) || (r == '.' && start >= 0)
		switch {
		case inToken && start < 0:
			start = i
		case !inToken && start >= 0:
			flush(i)
			b.WriteRune(r)
		case !inToken:
			b.WriteRune(r)
		}
	}
	if start >= 0 {
		flush(len(question))
	}
	if !changed {
		return question
	}
	return b.String()
}
