"""Signals of the meetings app."""

from django.dispatch import Signal

# Sent after the transaction that published an agenda commits (notifications listen here):
# sender=Meeting, meeting=the meeting, user=who published it.
agenda_published = Signal()
