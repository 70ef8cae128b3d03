"""The document renderer: PDF through WeasyPrint with the safe fetcher and the GB/T 9704 print
stylesheet, and the chart style. It knows no app: apps hand it a template and a context."""
