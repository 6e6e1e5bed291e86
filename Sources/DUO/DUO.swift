/// The DUO interface (domain.md §5): the notifications DUO sends, the data Regie pulls and pushes,
/// and a simulator for development and tests. It depends on the law module only, never on the web
/// framework. The target exists so the module boundaries of docs/architecture.md hold from the
/// start; its contents arrive with the DUO issue (#5), and nothing in Regie uses it yet.
public enum DUOInterface {}
