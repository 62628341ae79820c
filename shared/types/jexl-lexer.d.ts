// jexl's lexer, an internal module @types/jexl does not declare (shared/engine/jexlSplitCache.ts reaches it).
declare module 'jexl/dist/Lexer' {
  const Lexer: new (grammar: unknown) => object;
  export default Lexer;
}
