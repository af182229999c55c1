package auth

import (
	"fmt"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/leadagent/leadagent/crm"
)

// Password rules. bcrypt reads only the first 72 bytes, so a longer
// password is refused rather than silently cut.
const (
	MinPasswordChars = 10
	MaxPasswordBytes = 72
)

// dummyHash is a bcrypt hash (at bcrypt.DefaultCost) of a random password
// nobody knows. Authenticate checks a password against it when the email is
// unknown, so an unknown email takes as long as a wrong password.
const dummyHash = "$2a$10$pJ9PAhdzSoi8PjXTesDVrO/.vPn/H6GtyGViK.irRQkyHW.rpx1Q6"

// HashPassword returns the bcrypt hash of a password that follows the rules,
// or a *crm.InvalidError saying which rule it breaks.
func HashPassword(pw string) (string, error) {
	if err := validPassword(pw); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		// Only a password too long can fail, and validPassword refused that;
		// never put the password in the error.
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether pw is the password hash was made from.
func CheckPassword(hash, pw string) bool {
	if len(pw) > MaxPasswordBytes {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

func validPassword(pw string) error {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordChars:
		return &crm.InvalidError{Field: "password", Reason: fmt.Sprintf("must be at least %d characters", MinPasswordChars)}
	case len(pw) > MaxPasswordBytes:
		return &crm.InvalidError{Field: "password", Reason: fmt.Sprintf("must be at most %d bytes", MaxPasswordBytes)}
	}
	return nil
}
