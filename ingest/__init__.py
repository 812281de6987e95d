"""Reading press releases from files and writing their paragraphs into the store."""
