"""The EU Digital COVID Certificate format, without Django models: encode, sign, decode, verify.

``HC1:`` + Base45( zlib( COSE_Sign1( CWT{1 iss, 4 exp, 6 iat, -260: {1: payload}} ) ) ), as in
the eHealth Network's "Electronic Health Certificate" specification (hcert) v1.x and
Commission Implementing Decision (EU) 2021/1073. See docs/certificates.md.
"""
