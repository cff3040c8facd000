"""The secretariat's page of messages that did not go out, and the `consult mail` commands."""
