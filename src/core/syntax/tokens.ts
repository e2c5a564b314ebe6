/** Token kinds produced by the scanner. */
export const enum TokenKind {
  EOF,
  Newline,
  Ident,
  Number,
  String,
  /** IPv4 dotted quad or bracketed IPv6 literal. */
  Address,
  Arrow,
  Colon,
  Comma,
  Equals,
  Plus,
  Minus,
  Slash,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Semicolon,
  /** A character the language does not use; the scanner reports it and moves on. */
  Unknown,
}

export const tokenNames: Record<TokenKind, string> = {
  [TokenKind.EOF]: 'end of file',
  [TokenKind.Newline]: 'end of line',
  [TokenKind.Ident]: 'name',
  [TokenKind.Number]: 'number',
  [TokenKind.String]: 'string',
  [TokenKind.Address]: 'address',
  [TokenKind.Arrow]: "'->'",
  [TokenKind.Colon]: "':'",
  [TokenKind.Comma]: "','",
  [TokenKind.Equals]: "'='",
  [TokenKind.Plus]: "'+'",
  [TokenKind.Minus]: "'-'",
  [TokenKind.Slash]: "'/'",
  [TokenKind.LBracket]: "'['",
  [TokenKind.RBracket]: "']'",
  [TokenKind.LParen]: "'('",
  [TokenKind.RParen]: "')'",
  [TokenKind.Semicolon]: "';'",
  [TokenKind.Unknown]: 'character',
};

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** Identifier text, decoded string value, or number text. */
  value: string;
  /** Whitespace or a comment precedes this token on the same line. */
  spaceBefore: boolean;
  /** A string without its closing quote. */
  unterminated?: boolean;
}

export interface Comment {
  start: number;
  end: number;
  text: string;
}
