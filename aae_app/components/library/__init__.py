"""Components of the marketer's library pages: creatives, reports, landing pages, campaigns."""
