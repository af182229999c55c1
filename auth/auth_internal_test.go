package auth

import (
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// The dummy hash must cost what a real one costs, or an unknown email
// answers faster than a wrong password.
func TestDummyHashCostsLikeARealOne(t *testing.T) {
	t.Parallel()
	cost, err := bcrypt.Cost([]byte(dummyHash))
	if err != nil || cost != bcrypt.DefaultCost {
		t.Fatalf("dummy hash cost = %d, %v; want %d", cost, err, bcrypt.DefaultCost)
	}
	if CheckPassword(dummyHash, "") {
		t.Fatal("the dummy hash matches an empty password")
	}
}
