"""The uniform instrument: questionnaire definition, XLSForm export, validated import of rounds."""
