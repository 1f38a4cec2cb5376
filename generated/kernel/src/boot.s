# The multiboot header. The loader finds it in the first 8 KiB of the file;
# flag bit 16 says "trust these addresses, not the ELF headers".
        .section .boot.header, "a"
        .balign 4
multiboot_header:
        .long {MB_HEADER_MAGIC}
        .long {MB_HEADER_FLAGS}
        .long {MB_HEADER_CHECKSUM}
        .long multiboot_header          # header_addr: where this header lands
        .long __load_start              # load_addr: where the file's bytes go
        .long __load_end                # load_end_addr: end of what is copied
        .long __bss_end                 # bss_end_addr: zeroed up to here
        .long start32                   # entry_addr

# The loader jumps here in 32-bit protected mode, paging off, interrupts off,
# with the magic in eax and the physical address of its information in ebx.
        .section .boot.text, "ax"
        .code32
        .globl start32
start32:
        mov     %eax, %edi              # kernel_main's first argument
        mov     %ebx, %esi              # and its second

        # No long mode or no NX: nothing we can do but say so and stop.
        mov     ${CPUID_EXT_FEATURES}, %eax
        cpuid
        and     ${CPUID_EDX_NEEDED}, %edx
        cmp     ${CPUID_EDX_NEEDED}, %edx
        jne     no_long_mode

        mov     $boot_pml4, %eax        # the tables, already built below
        mov     %eax, %cr3
        mov     %cr4, %eax              # PAE, and SSE for the OS
        or      ${CR4_SET}, %eax
        mov     %eax, %cr4
        mov     ${IA32_EFER}, %ecx      # long mode, no-execute
        rdmsr
        or      ${EFER_SET}, %eax
        wrmsr
        mov     %cr0, %eax              # paging on, FPU present and usable
        and     ${CR0_KEEP}, %eax
        or      ${CR0_SET}, %eax
        mov     %eax, %cr0

        # Paging is on and we are in compatibility mode. A far jump through a
        # 64-bit code segment takes us into long mode proper.
        lgdt    boot_gdt_pointer
        ljmp    ${KERNEL_CS}, $start64_low

no_long_mode:
        mov     ${EXIT_PORT}, %dx
        mov     ${EXIT_FAILURE}, %eax
        out     %eax, %dx
1:      hlt
        jmp     1b

        .code64
start64_low:
        # Still running at the low address; jump to the one we are linked at.
        movabs  $start64, %rax
        jmp     *%rax

# Boot page tables: the first GiB at 0 (where the code above runs) and again
# at KERNEL_BASE (where everything else is linked), in 2 MiB pages.
        .section .boot.data, "aw"
        .balign {PAGE_SIZE}
boot_pml4:
        .quad   boot_pdpt_low + {TABLE_FLAGS}
        .org    boot_pml4 + 8 * {KERNEL_PML4_INDEX}
        .quad   boot_pdpt_high + {TABLE_FLAGS}
        .org    boot_pml4 + {PAGE_SIZE}
boot_pdpt_low:
        .quad   boot_pd + {TABLE_FLAGS}
        .org    boot_pdpt_low + {PAGE_SIZE}
boot_pdpt_high:
        .org    boot_pdpt_high + 8 * {KERNEL_PDPT_INDEX}
        .quad   boot_pd + {TABLE_FLAGS}
        .org    boot_pdpt_high + {PAGE_SIZE}
boot_pd:
        .set    .Lframe, 0
        .rept   {PAGE_SIZE} / 8
        .quad   .Lframe + {LARGE_PAGE_FLAGS}
        .set    .Lframe, .Lframe + {LARGE_PAGE_SIZE}
        .endr

        .balign 8
boot_gdt:
        .quad   0
        .quad   {GDT_CODE64}
        .quad   {GDT_DATA}
boot_gdt_pointer:                       # lgdt in 32-bit mode reads 6 bytes
        .word   8 * {GDT_ENTRIES} - 1
        .quad   boot_gdt
boot_gdt_pointer_high:                  # in 64-bit mode, 10
        .word   8 * {GDT_ENTRIES} - 1
        .quad   boot_gdt + {KERNEL_BASE}

# From here on, everything is at its linked address in the higher half.
        .section .text.start64, "ax"
start64:
        lgdt    boot_gdt_pointer_high(%rip)  # the GDT, through its high alias
        mov     ${KERNEL_DS}, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        lea     boot_stack_top(%rip), %rsp
        xor     %ebp, %ebp              # end of the frame-pointer chain
        mov     %edi, %edi              # zero-extend the magic
        mov     %esi, %esi              # and the info address
        call    {kernel_main}
        ud2                             # kernel_main never returns

        .section .bss.boot_stack, "aw", @nobits
        .balign 16
boot_stack:
        .skip   {BOOT_STACK_SIZE}
boot_stack_top:
