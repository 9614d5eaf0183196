using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PayLinksOverClientInvoices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "InvoiceId",
                table: "PayLinks",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "TEXT");

            migrationBuilder.AddColumn<string>(
                name: "Currency",
                table: "PayLinks",
                type: "TEXT",
                maxLength: 3,
                nullable: true);

            // The links made so far are each for one invoice.
            migrationBuilder.AddColumn<string>(
                name: "Scope",
                table: "PayLinks",
                type: "TEXT",
                maxLength: 60,
                nullable: false,
                defaultValue: "Invoice");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Currency",
                table: "PayLinks");

            migrationBuilder.DropColumn(
                name: "Scope",
                table: "PayLinks");

            migrationBuilder.AlterColumn<Guid>(
                name: "InvoiceId",
                table: "PayLinks",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);
        }
    }
}
