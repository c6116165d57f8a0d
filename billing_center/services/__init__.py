"""Use cases grouped by aggregate. Each takes the session from the caller and the acting person,
and scopes every query to the actor's organisation. No Reflex, no web framework here."""
