"""Meeting pages: public.py (anyone or members), admin.py (the secretariat), calendar.py (calendar files)."""
