namespace CsScoring.Training.Cli;

/// <summary>
/// Names the constant that an optional setting falls back to when left unset (the setting itself stays
/// <see langword="null"/> so that "not given" can be told apart), so the default its help states can be checked.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ImplicitDefaultAttribute(Type type, string member) : Attribute
{
    public Type Type { get; } = type;

    public string Member { get; } = member;
}
