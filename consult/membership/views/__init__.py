"""The group's pages: `public` (anyone and members), `admin` (the secretariat)."""
