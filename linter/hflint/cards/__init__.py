"""Model and dataset cards (README.md): front matter, repo type, headings, license data."""
