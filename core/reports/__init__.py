"""Credit reports (政务信用报告): a department's credit file as a PDF that anyone can verify.

Core holds the machinery: the sections registry the domain apps fill (``sections``), the PDF
layout and the embedded font (``pdf``), verification codes, the SHA-256 register and the
validity (``services``). The apps contribute the sections' content from their own selectors,
so a report says what the department's profile page says.
"""
