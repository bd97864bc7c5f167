"""Time: the Vietnamese working-day calendar, deadlines and reminders."""
