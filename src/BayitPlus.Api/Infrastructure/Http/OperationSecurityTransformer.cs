using BayitPlus.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>Each operation says whether it needs a token: <c>security: [{ Bearer: [] }]</c>, with the
/// role a policy asks for in its description, or <c>security: []</c> when anonymous callers are
/// served. Read from the endpoint's own authorization metadata, so the document cannot drift from
/// what the authorization middleware enforces.</summary>
public sealed class OperationSecurityTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        if (authorize.Count == 0 || metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security = [];
            return Task.CompletedTask;
        }

        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerSecurityTransformer.SchemeName, context.Document)] = [] }];
        var requirement = authorize.Select(a => a.Policy).OfType<string>().LastOrDefault() switch
        {
            Policies.Admin => "Requires the bearer token of an active account with the role admin.",
            Policies.Beta => "Requires the bearer token of an active account with the role beta or admin.",
            _ => "Requires the bearer token of an active account.",
        };
        operation.Description = string.IsNullOrEmpty(operation.Description) ? requirement : $"{operation.Description}\n\n{requirement}";
        return Task.CompletedTask;
    }
}
