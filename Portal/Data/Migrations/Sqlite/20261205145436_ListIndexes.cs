using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Payments_FirmId_CreatedAt_Id",
                table: "Payments",
                columns: new[] { "FirmId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_FirmId_DueDate_Id",
                table: "Invoices",
                columns: new[] { "FirmId", "DueDate", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_FirmId_IssueDate_Id",
                table: "Invoices",
                columns: new[] { "FirmId", "IssueDate", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_FirmId_TotalMinor_Id",
                table: "Invoices",
                columns: new[] { "FirmId", "TotalMinor", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ClientAccounts_FirmId_BillingEmail",
                table: "ClientAccounts",
                columns: new[] { "FirmId", "BillingEmail" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_FirmId_CreatedAt_Id",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_FirmId_DueDate_Id",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_FirmId_IssueDate_Id",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_FirmId_TotalMinor_Id",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_ClientAccounts_FirmId_BillingEmail",
                table: "ClientAccounts");
        }
    }
}
