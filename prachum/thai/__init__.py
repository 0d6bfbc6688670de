"""Thai text utilities every stage uses: text forms, Buddhist-era dates, sentence splitting."""
