"""Material catalogue (REG-7 reference data; stock comes with the materials chapter)."""
