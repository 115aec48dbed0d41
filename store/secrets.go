package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
)

// ErrSecretKey means a credential cannot be decrypted: it was encrypted with a key that is not
// configured, or with a different key of the same id, or its stored value was altered.
var ErrSecretKey = errors.New("the credential cannot be decrypted")

// secretPrefix starts every encrypted credential: enc:v1:<key id>:<base64 of nonce and
// ciphertext>. The version names the scheme, AES-256-GCM with a 12-byte random nonce and the
// channel and credential names as additional data, so a value copied to another channel or
// field does not decrypt.
const secretPrefix = "enc:v1:"

// Keyring holds the keys channel credentials are encrypted with at rest: the first encrypts,
// every one decrypts, so keys can rotate. A nil Keyring keeps credentials in plain text.
type Keyring struct {
	ids   []string
	aeads map[string]cipher.AEAD
}

var keyID = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// ParseKeyring reads keys written as "ID:KEY" or "KEY", separated by commas, spaces or new
// lines, where KEY is 32 random bytes in base64 (`openssl rand -base64 32`). A key without an
// id is named by the first 8 hex digits of its SHA-256. Lines starting with # are comments.
// The first key encrypts; all of them decrypt.
func ParseKeyring(text string) (*Keyring, error) {
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	var fields []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		fields = append(fields, strings.FieldsFunc(line, func(r rune) bool {
			return r == ',' || r == ' ' || r == '\t' || r == '\r'
		})...)
	}
	for i, f := range fields {
		id, encoded, named := strings.Cut(f, ":")
		if !named {
			encoded = f
		}
		raw, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil {
			raw, err = base64.RawStdEncoding.DecodeString(encoded)
		}
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("secret key %d: not 32 bytes in base64; make one with `openssl rand -base64 32`: %w", i+1, ErrInvalid)
		}
		if !named {
			sum := sha256.Sum256(raw)
			id = hex.EncodeToString(sum[:4])
		}
		if !keyID.MatchString(id) {
			return nil, fmt.Errorf("secret key %d: id %q: use 1 to 64 letters, digits, '.', '_' or '-': %w", i+1, id, ErrInvalid)
		}
		if _, dup := k.aeads[id]; dup {
			return nil, fmt.Errorf("secret key %d: id %q is given twice: %w", i+1, id, ErrInvalid)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, fmt.Errorf("secret key %s: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("secret key %s: %w", id, err)
		}
		k.ids = append(k.ids, id)
		k.aeads[id] = aead
	}
	if len(k.ids) == 0 {
		return nil, fmt.Errorf("no secret key given; make one with `openssl rand -base64 32`: %w", ErrInvalid)
	}
	return k, nil
}

// Current is the id of the key that encrypts.
func (k *Keyring) Current() string { return k.ids[0] }

// IDs are the ids of the keys, the current one first.
func (k *Keyring) IDs() []string { return append([]string(nil), k.ids...) }

// String names the keys, never showing them, so a keyring may be logged.
func (k *Keyring) String() string { return "keyring(" + strings.Join(k.ids, ", ") + ")" }

// GoString is String, for %#v.
func (k *Keyring) GoString() string { return k.String() }

// secretLabel is what a credential's encryption is bound to.
func secretLabel(channelID, field string) []byte {
	return []byte("switchboard channel " + channelID + " credential " + field)
}

// seal encrypts a credential with the current key.
func (k *Keyring) seal(channelID, field, value string) (string, error) {
	id := k.ids[0]
	aead := k.aeads[id]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(value)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("channel %s credential %s: %w", channelID, field, err)
	}
	out := aead.Seal(nonce, nonce, []byte(value), secretLabel(channelID, field))
	return secretPrefix + id + ":" + base64.StdEncoding.EncodeToString(out), nil
}

// sealedWith returns the id of the key a stored credential is encrypted with, and false for a
// credential stored in plain text.
func sealedWith(stored string) (string, bool) {
	rest, ok := strings.CutPrefix(stored, secretPrefix)
	if !ok {
		return "", false
	}
	id, _, _ := strings.Cut(rest, ":")
	return id, true
}

// open returns a stored credential in clear: decrypted, or as it is when stored in plain
// text. The error names the channel and the field.
func (k *Keyring) open(channelID, field, stored string) (string, error) {
	id, sealed := sealedWith(stored)
	if !sealed {
		return stored, nil
	}
	rest := strings.TrimPrefix(stored, secretPrefix+id+":")
	if k == nil {
		return "", fmt.Errorf("channel %s credential %s is encrypted with key %q, but no secret key is configured: %w",
			channelID, field, id, ErrSecretKey)
	}
	aead, ok := k.aeads[id]
	if !ok {
		return "", fmt.Errorf("channel %s credential %s is encrypted with key %q, which is not among the keys configured (%s): %w",
			channelID, field, id, strings.Join(k.ids, ", "), ErrSecretKey)
	}
	raw, err := base64.StdEncoding.DecodeString(rest)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return "", fmt.Errorf("channel %s credential %s: the stored value is damaged: %w", channelID, field, ErrSecretKey)
	}
	nonce, ciphertext := raw[:aead.NonceSize()], raw[aead.NonceSize():]
	plain, err := aead.Open(nil, nonce, ciphertext, secretLabel(channelID, field))
	if err != nil {
		return "", fmt.Errorf("channel %s credential %s does not decrypt with key %q: the key configured under that id is not the one "+
			"it was encrypted with, or the stored value was altered: %w", channelID, field, id, ErrSecretKey)
	}
	return string(plain), nil
}

// sealCredentials encodes a channel's credentials for storage: each value encrypted with the
// current key, or in plain text without a keyring.
func (s *sqlStore) sealCredentials(channelID string, creds map[string]string) (string, error) {
	if s.secrets == nil {
		return mustJSON(creds, "{}"), nil
	}
	sealed := make(map[string]string, len(creds))
	for field, v := range creds {
		var err error
		if sealed[field], err = s.secrets.seal(channelID, field, v); err != nil {
			return "", err
		}
	}
	return mustJSON(sealed, "{}"), nil
}

// openCredentials decodes a channel's stored credentials and decrypts them.
func (s *sqlStore) openCredentials(channelID, stored string) (map[string]string, error) {
	creds := map[string]string{}
	if err := fromJSON(stored, &creds); err != nil {
		return nil, fmt.Errorf("channel %s credentials: %w", channelID, err)
	}
	for _, field := range slices.Sorted(maps.Keys(creds)) {
		var err error
		if creds[field], err = s.secrets.open(channelID, field, creds[field]); err != nil {
			return nil, err
		}
	}
	return creds, nil
}

// SecretsStatus counts the stored channel credentials by the id of the key that encrypts them,
// "" counting those in plain text, and checks that every one decrypts with the keys configured:
// an ErrSecretKey error names the first channel and credential that does not.
func (s *sqlStore) SecretsStatus(ctx context.Context) (map[string]int, error) {
	var rows []channelRow
	if err := list(ctx, s.read, &rows, `SELECT `+channelColumns+` FROM channels ORDER BY id`); err != nil {
		return nil, fmt.Errorf("channel credentials: %w", err)
	}
	counts := map[string]int{}
	for _, r := range rows {
		stored := map[string]string{}
		if err := fromJSON(r.Credentials, &stored); err != nil {
			return nil, fmt.Errorf("channel %s credentials: %w", r.ID, err)
		}
		for _, field := range slices.Sorted(maps.Keys(stored)) {
			if _, err := s.secrets.open(r.ID, field, stored[field]); err != nil {
				return nil, err
			}
			id, _ := sealedWith(stored[field])
			counts[id]++
		}
	}
	return counts, nil
}

// SecretsRotate encrypts with the current key every stored channel credential that is not
// encrypted with it already (in plain text, or with an older key), in one transaction, after
// checking that every one decrypts, and
// records an audit entry per channel. It returns how many credentials it wrote again;
// ErrInvalid when no key is configured, ErrSecretKey (naming the channel and the credential)
// when one does not decrypt.
func (s *sqlStore) SecretsRotate(ctx context.Context, by string) (int, error) {
	if s.secrets == nil {
		return 0, invalid("no secret key is configured: rotating encrypts with the first key given")
	}
	current := s.secrets.Current()
	now := s.now()
	n := 0
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var rows []channelRow
		if err := list(ctx, tx, &rows, `SELECT `+channelColumns+` FROM channels ORDER BY id`+s.dialect.lockRow); err != nil {
			return fmt.Errorf("channel credentials: %w", err)
		}
		for _, r := range rows {
			stored := map[string]string{}
			if err := fromJSON(r.Credentials, &stored); err != nil {
				return fmt.Errorf("channel %s credentials: %w", r.ID, err)
			}
			var rotated []string
			for _, field := range slices.Sorted(maps.Keys(stored)) {
				clear, err := s.secrets.open(r.ID, field, stored[field])
				if err != nil {
					return err
				}
				if id, sealed := sealedWith(stored[field]); sealed && id == current {
					continue
				}
				if stored[field], err = s.secrets.seal(r.ID, field, clear); err != nil {
					return err
				}
				rotated = append(rotated, field)
			}
			if len(rotated) == 0 {
				continue
			}
			if _, err := exec(ctx, tx, `UPDATE channels SET credentials = ? WHERE id = ?`, mustJSON(stored, "{}"), r.ID); err != nil {
				return fmt.Errorf("channel %s credentials: %w", r.ID, err)
			}
			detail := map[string]any{"key": current, "credentials": rotated}
			if err := s.audit(ctx, tx, now, by, auditChannel, "encrypt", r.ID, detail); err != nil {
				return err
			}
			n += len(rotated)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
