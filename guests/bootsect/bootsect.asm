; bootsect.asm - a boot sector of its own, started by SeaBIOS from the IDE
; disk (-hda) or, El Torito no-emulation, from the ATAPI CD-ROM (-cdrom).
; It uses only the BIOS: INT 10h (mode 3, cursor, teletype, character with
; attribute), INT 13h (drive parameters, EDD check, CHS and LBA reads of the
; disk; on the CD-ROM an LBA read of its 2048-byte volume descriptor) and
; INT 16h (keystroke status, shift flags).  Every line goes to the screen
; through INT 10h and to COM1, so a test can wait for "done" on the serial
; port, then read the screen (tests/bootsect.test.sh).
;
; The disk image (nasm -f bin): this sector, then at LBA 1 and 2 two
; messages the reads print, padded to 64 KiB.
bits 16
org 0x7c00

start:
        jmp 0:.cs0                      ; some BIOSes enter at 07C0:0000
.cs0:   xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7c00
        sti
        mov [drive], dl
        mov ax, 0x0003                  ; 80x25 text, cleared
        int 0x10
        mov si, m_title
        call puts
        mov ah, 0x02                    ; cursor to row 2, column 4
        xor bh, bh
        mov dx, 0x0204
        int 0x10
        mov ax, 0x092a                  ; ten '*', yellow on blue
        mov bx, 0x001e
        mov cx, 10
        int 0x10
        mov ah, 0x02
        mov dx, 0x0300
        int 0x10
        mov si, m_drive
        call puts
        mov al, [drive]
        call hex2
        call nl
        cmp byte [drive], 0xe0
        jae cdrom

        mov ah, 0x08                    ; drive parameters
        mov dl, [drive]
        int 0x13
        mov si, m_params
        call puts
        mov al, dl                      ; disks, last head, sectors per track
        call hex2
        mov al, dh                      ; last head
        call hex2
        mov al, cl                      ; sectors per track
        and al, 0x3f
        call hex2
        call nl
        mov ah, 0x41                    ; EDD present?
        mov bx, 0x55aa
        mov dl, [drive]
        int 0x13
        mov si, m_edd
        call puts
        mov al, ah
        call hex2
        mov ax, bx
        xchg al, ah
        call hex2
        mov al, ah
        call hex2
        call nl
        mov ax, 0x0201                  ; CHS 0/0/2: LBA 1
        mov cx, 0x0002
        xor dh, dh
        mov dl, [drive]
        mov bx, 0x7e00
        int 0x13
        jc fail
        mov si, 0x7e00
        call puts
        mov word [dap_lba], 2
        mov word [dap_buf], 0x8000
        call lba_read
        mov si, 0x8000
        call puts
        jmp keys

cdrom:  mov word [dap_lba], 16          ; the primary volume descriptor
        mov word [dap_buf], 0x8000
        call lba_read
        mov byte [0x8006], 0
        mov si, m_pvd
        call puts
        mov si, 0x8001                  ; "CD001"
        call puts
        call nl

keys:   mov ah, 0x01                    ; a keystroke waiting?
        int 0x16
        mov si, m_nokey
        jz .none
        mov si, m_key
.none:  call puts
        mov ah, 0x02                    ; shift flags
        int 0x16
        call hex2
        call nl
        mov si, m_done
        call puts
halt:   cli
        hlt
        jmp halt

fail:   mov si, m_fail
        call puts
        jmp halt

lba_read:
        mov ah, 0x42
        mov dl, [drive]
        mov si, dap
        int 0x13
        jc fail
        ret

nl:     mov si, m_nl
puts:   lodsb
        test al, al
        jz .end
        call putc
        jmp puts
.end:   ret

putc:   pusha
        mov ah, 0x0e
        xor bh, bh
        int 0x10
        mov dx, 0x3fd
        mov ah, al
.wait:  in al, dx
        test al, 0x20
        jz .wait
        mov al, ah
        mov dl, 0xf8
        out dx, al
        popa
        ret

hex2:   push ax
        shr al, 4
        call hex1
        pop ax
hex1:   push ax
        and al, 0x0f
        add al, '0'
        cmp al, '9'
        jbe .d
        add al, 7
.d:     call putc
        pop ax
        ret

dap:    db 16, 0
        dw 1                            ; one sector
dap_buf: dw 0, 0                        ; offset, segment
dap_lba: dq 0

drive:  db 0
m_title:  db "bootsect: booted", 13, 10, 0
m_drive:  db "drive ", 0
m_params: db "int13 08: ", 0
m_edd:    db "int13 41: ", 0
m_pvd:    db "int13 42 cd: ", 0
m_nokey:  db "int16 01: no key; 02: ", 0
m_key:    db "int16 01: a key; 02: ", 0
m_fail:   db "fail", 13, 10, 0
m_done:   db "bootsect: done", 13, 10, 0
m_nl:     db 13, 10, 0

        times 510 - ($ - $$) db 0
        dw 0xaa55
; LBA 1 and 2
        db "int13 02: read CHS 0/0/2", 13, 10, 0
        times 1024 - ($ - $$) db 0
        db "int13 42: read LBA 2", 13, 10, 0
        times 65536 - ($ - $$) db 0
