"""Meetings of the group: scheduling, agendas, invitations and calendar invites."""
