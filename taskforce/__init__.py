"""Task force workplace: members, meetings, assignments, proposals and agency adoption."""
