-- "status" clashed with a reserved word in our reporting tool.
ALTER TABLE payments RENAME COLUMN status TO state;
DROP TABLE payment_attempts_old;
