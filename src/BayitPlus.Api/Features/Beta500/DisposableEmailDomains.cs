namespace BayitPlus.Api.Features.Beta500;

/// <summary>Email domains of disposable mailbox services, from the list the
/// <c>disposable-email-domains</c> project maintains (CC0; source and commit in the header of
/// <c>disposable-email-domains.txt</c>, embedded in the assembly). A subdomain of a listed domain
/// counts as listed.</summary>
public sealed class DisposableEmailDomains
{
    public const string ResourceName = "BayitPlus.Api.DisposableEmailDomains";

    private readonly HashSet<string> _domains;

    public DisposableEmailDomains()
    {
        using var stream = typeof(DisposableEmailDomains).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        _domains = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            var domain = line.Trim();
            if (domain.Length > 0 && !domain.StartsWith('#'))
            {
                _domains.Add(domain);
            }
        }
    }

    public bool IsDisposable(string email)
    {
        var at = email.LastIndexOf('@');
        var domain = at < 0 ? email : email[(at + 1)..];
        while (domain.Length > 0)
        {
            if (_domains.Contains(domain))
            {
                return true;
            }

            var dot = domain.IndexOf('.', StringComparison.Ordinal);
            domain = dot < 0 ? "" : domain[(dot + 1)..];
        }

        return false;
    }
}
