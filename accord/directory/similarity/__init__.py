"""How alike two directory records are: normalisation, transliteration and pair scoring.

One package answers "are these the same company / the same person?" for every caller: the
warnings while a counterparty is typed in (`directory.duplicates`), the duplicate scan over
the whole directory (`accord.dedup.scan`) and its benchmark. It reads no database, so it is
tested on plain values and never raises on arbitrary text.

- Names are folded (case, ё→е, quotes, punctuation, legal forms such as ООО or LLC) and then
  spelled in a Latin "skeleton" by our own transliteration table, with the usual spelling
  variants collapsed (Юлия, Yulia, Julia and Iuliia meet as `iulia`), so a name typed in
  Latin matches the same name typed in Cyrillic.
- Phones become E.164 (`directory.identifiers`), e-mails lower case without `+tags` (and
  without dots for Gmail, whose mailboxes ignore them), INNs and OGRNs their digits, with
  their checksums known; the postcode is read from the address.
- `score_pair` weighs the evidence in log-odds and answers a score in 0..1 with its reasons:
  the same valid INN, OGRN, phone or e-mail weigh heavily for; two different valid INNs (or
  birthdays) weigh heavily against; names and addresses are compared with rapidfuzz.
"""

from accord.directory.similarity.names import (
    name_similarity,
    name_tokens,
    normalize_name,
    skeleton,
    to_cyrillic,
    to_latin,
)
from accord.directory.similarity.scoring import (
    COMPANY,
    CONTACT_REASONS,
    PERSON,
    THRESHOLD,
    Prepared,
    Record,
    blocking_keys,
    prepare,
    reason_label,
    score_pair,
    score_prepared,
)
from accord.directory.similarity.values import (
    PUBLIC_MAIL,
    inn_is_valid,
    normalize_address,
    normalize_birthday,
    normalize_email,
    normalize_emails,
    normalize_inn,
    normalize_kpp,
    normalize_ogrn,
    normalize_phone,
    normalize_phones,
    normalize_website,
    ogrn_is_valid,
    postcode_of,
)

__all__ = [
    "COMPANY",
    "CONTACT_REASONS",
    "PERSON",
    "PUBLIC_MAIL",
    "THRESHOLD",
    "Prepared",
    "Record",
    "blocking_keys",
    "inn_is_valid",
    "name_similarity",
    "name_tokens",
    "normalize_address",
    "normalize_birthday",
    "normalize_email",
    "normalize_emails",
    "normalize_inn",
    "normalize_kpp",
    "normalize_name",
    "normalize_ogrn",
    "normalize_phone",
    "normalize_phones",
    "normalize_website",
    "ogrn_is_valid",
    "postcode_of",
    "prepare",
    "reason_label",
    "score_pair",
    "score_prepared",
    "skeleton",
    "to_cyrillic",
    "to_latin",
]
