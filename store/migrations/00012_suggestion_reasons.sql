-- +goose Up
-- Why the intake suggested what it did (the sender's domain, the signature line, the
-- words of the text), one reason per suggestion, for the card.
ALTER TABLE contributions ADD COLUMN suggestion_reasons text[] NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE contributions DROP COLUMN suggestion_reasons;
