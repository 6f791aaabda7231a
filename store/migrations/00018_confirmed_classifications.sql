-- +goose Up
-- What the secretariat confirmed about each contribution, for the intake to learn from:
-- mail from the same sender, the same organisation or the same domain is suggested what
-- the desk confirmed before. One row per contribution (a reclassification replaces it),
-- read by sender, by domain and by organisation; the intake reads all three for a batch
-- in one statement.
CREATE TABLE confirmed_classifications (
    contribution_id   bigint PRIMARY KEY REFERENCES contributions (id) ON DELETE CASCADE,
    sender            text NOT NULL,        -- the contact's address, lower case
    domain            text NOT NULL,        -- its domain
    organisation_key  text NOT NULL,        -- the confirmed organisation, lower-case letters and digits
    organisation      text NOT NULL,        -- as confirmed
    kind              text NOT NULL,
    stakeholder_type  text NOT NULL,
    confirmed_at      timestamptz NOT NULL
);
CREATE INDEX confirmed_classifications_sender_idx ON confirmed_classifications (sender);
CREATE INDEX confirmed_classifications_domain_idx ON confirmed_classifications (domain);
CREATE INDEX confirmed_classifications_organisation_idx ON confirmed_classifications (organisation_key)
    WHERE organisation_key <> '';

-- +goose Down
DROP TABLE confirmed_classifications;
