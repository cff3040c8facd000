"""The advisory group: organisations, members' terms on seats, nominations and the group's balance."""
