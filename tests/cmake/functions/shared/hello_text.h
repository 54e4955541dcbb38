/* Found with quotes beside hello.async.c, from a target elsewhere. */
#define HELLO_TEXT "hello from outside"
