using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TokenFunction.Auth;
using TokenFunction.Http;
using TokenFunction.Secrets;
using TokenFunction.Telemetry;

var builder = FunctionsApplication.CreateBuilder(args);

builder.Services.AddTokenServiceTelemetry(builder.Configuration);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddApiCredentialsProvider(builder.Configuration);
builder.Services.AddCallerAuthentication(builder.Configuration);
builder.Services.AddTokenEndpoint(builder.Configuration);

builder.Build().Run();
