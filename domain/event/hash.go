package event

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// canonical is the encoding an event's hash covers: everything stored about
// the event except the hash itself, in a fixed field order, with the payload
// as stored (compacted) and times in UTC with nanoseconds.
type canonical struct {
	AggregateID string          `json:"aggregate_id"`
	Version     int             `json:"version"`
	EventID     string          `json:"event_id"`
	Type        string          `json:"type"`
	Schema      int             `json:"schema"`
	Encryption  string          `json:"encryption,omitempty"`
	OccurredOn  string          `json:"occurred_on"`
	RecordedAt  string          `json:"recorded_at"`
	Actor       Actor           `json:"actor"`
	Data        json.RawMessage `json:"data"`
	PrevHash    string          `json:"prev_hash"`
}

// ComputeHash is the SHA-256 (hex) of e's canonical encoding, chained to
// the previous event of the aggregate through e.PrevHash.
func ComputeHash(aggregateID string, e Event) (string, error) {
	var data bytes.Buffer
	if err := json.Compact(&data, e.Raw); err != nil {
		return "", fmt.Errorf("hash %s: payload: %w", e.ID, err)
	}
	b, err := json.Marshal(canonical{
		AggregateID: aggregateID, Version: e.Version, EventID: e.ID, Type: e.Type, Schema: e.Schema, Encryption: e.Encryption,
		OccurredOn: e.OccurredOn.String(), RecordedAt: e.RecordedAt.UTC().Format(time.RFC3339Nano),
		Actor: e.Actor, Data: data.Bytes(), PrevHash: e.PrevHash,
	})
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", e.ID, err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Seal sets e's PrevHash and Hash, chaining it to prev.
func Seal(aggregateID, prev string, e *Event) error {
	e.PrevHash = prev
	h, err := ComputeHash(aggregateID, *e)
	if err != nil {
		return err
	}
	e.Hash = h
	return nil
}

// ChainProblem says where a chain of events stops verifying.
type ChainProblem struct {
	Version int    `json:"version"`
	EventID string `json:"event_id,omitempty"`
	Reason  string `json:"reason"`
}

// VerifyChain checks that events (one aggregate's, in order) are versions
// 1..n with no gap, that each hash matches its content and that each links
// to the one before. It returns the head hash, or the first problem.
func VerifyChain(aggregateID string, events []Event) (string, *ChainProblem) {
	prev := ""
	for i, e := range events {
		if e.Version != i+1 {
			return "", &ChainProblem{Version: i + 1, Reason: fmt.Sprintf("version %d is missing (found %d)", i+1, e.Version)}
		}
		if e.PrevHash != prev {
			return "", &ChainProblem{Version: e.Version, EventID: e.ID, Reason: "does not link to the event before it"}
		}
		h, err := ComputeHash(aggregateID, e)
		if err != nil || h != e.Hash {
			return "", &ChainProblem{Version: e.Version, EventID: e.ID, Reason: "content does not match its hash"}
		}
		prev = e.Hash
	}
	return prev, nil
}
