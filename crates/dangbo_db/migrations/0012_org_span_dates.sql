-- The last date on which the tree of organisations changed (MAX of the span dates): when it is
-- before the date asked, a subtree is read from today's paths instead of being rebuilt from the
-- spans (scope.rs). Without these indexes that question reads every span.
CREATE INDEX org_span_valid_from ON org_span (valid_from);
CREATE INDEX org_span_valid_to ON org_span (valid_to);
