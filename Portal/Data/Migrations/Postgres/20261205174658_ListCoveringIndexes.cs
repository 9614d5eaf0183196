using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ListCoveringIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_FirmId_CreatedAt_Id",
                table: "Payments");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_FirmId_AmountMinor_Id",
                table: "Payments",
                columns: new[] { "FirmId", "AmountMinor", "Id" })
                .Annotation("Npgsql:IndexInclude", new[] { "Status", "PendingAt", "SucceededAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Payments_FirmId_CreatedAt_Id",
                table: "Payments",
                columns: new[] { "FirmId", "CreatedAt", "Id" })
                .Annotation("Npgsql:IndexInclude", new[] { "Status", "PendingAt", "SucceededAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_Open_ByClient",
                table: "Invoices",
                columns: new[] { "FirmId", "ClientAccountId" },
                filter: "\"Status\" IN ('Open', 'PartiallyPaid')")
                .Annotation("Npgsql:IndexInclude", new[] { "TotalMinor", "CreditedMinor", "PaidMinor" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_FirmId_AmountMinor_Id",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Payments_FirmId_CreatedAt_Id",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_Open_ByClient",
                table: "Invoices");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_FirmId_CreatedAt_Id",
                table: "Payments",
                columns: new[] { "FirmId", "CreatedAt", "Id" });
        }
    }
}
